/**
 * `explain --netns` on the real kernel: the range, reserved ports, sockets and the bind probe all come from the
 * given namespace, not from the caller's (the host's, which differs in every one of them here).
 */
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NETNS_REQUIREMENT, type Netns, canUseNetns, createNetns } from '../helpers/netns.js';
import { probeBindInNetns } from '../../packages/ephemeral-ports/src/explain/netns-probe.js';
import { ROOT, assertBuilt, runCli } from './run-cli.js';

const PORT = 25000;

describe.runIf(canUseNetns)(`explain --netns ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns;
  beforeAll(assertBuilt);
  beforeEach(async () => {
    ns = await createNetns();
  });
  afterEach(() => ns.close());

  it('reads the namespace\'s range and reserved ports and finds its listener by bind probe and census', async () => {
    await ns.writeRange(20000, 30001);
    const reserved = await ns.exec('/usr/sbin/sysctl', ['-qw', `net.ipv4.ip_local_reserved_ports=${PORT + 1}`]);
    expect(reserved.code, reserved.stderr).toBe(0);
    const listener = ns.spawnNode(join(ROOT, 'test/cli/fixtures/listen.cjs'), [String(PORT)]);
    try {
      const [chunk] = (await once(listener.stdout!, 'data')) as [Buffer];
      expect(chunk.toString()).toContain('listening');
      const r = await runCli(['explain', String(PORT), String(PORT + 1), '--netns', ns.path, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const [busy, kept] = JSON.parse(r.stdout);
      expect(busy).toMatchObject({ port: PORT, netns: ns.path, verdict: 'blocked', range: { low: 20000, high: 30001 } });
      const codes = busy.findings.map((f: { code: string }) => f.code);
      expect(codes).toEqual(expect.arrayContaining(['PORT_IN_EPHEMERAL_RANGE', 'PORT_IN_USE', 'PORT_LISTENING']));
      expect(codes).not.toContain('BIND_PROBE_SKIPPED');
      expect(busy.probes.some((p: { ok: boolean; code?: string }) => !p.ok && p.code === 'EADDRINUSE')).toBe(true);
      expect(kept.findings.map((f: { code: string }) => f.code)).toContain('PORT_RESERVED');

      // The same port seen from the caller's namespace: the host's range, free, nothing listening.
      const here = JSON.parse((await runCli(['explain', String(PORT), '--json'])).stdout)[0];
      expect(here.netns).toBeUndefined();
      expect(here.findings.map((f: { code: string }) => f.code)).not.toContain('PORT_LISTENING');
    } finally {
      listener.kill('SIGKILL');
    }
  });

  it('human output names the namespace', async () => {
    const r = await runCli(['explain', '8080', '--netns', ns.path, '--no-probe']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`netns ${ns.path}`);
  });

  it('a path that is not a namespace is the kernel\'s error, and a relative path a usage error', async () => {
    const missing = await runCli(['explain', '8080', '--netns', '/nonexistent/ns', '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stderr).error.code).toBe('ENOENT');
    const relative = await runCli(['explain', '8080', '--netns', 'blue', '--json']);
    expect(relative.code).toBe(2);
    expect(JSON.parse(relative.stderr).error.code).toBe('ERR_INVALID_ARG_VALUE');
  });

  it('a probe that cannot enter the namespace is reported as skipped, not run in the caller\'s', async () => {
    const result = await probeBindInNetns('/nonexistent/ns', 'tcp', 8080, ['127.0.0.1']);
    expect(result).toEqual({ skipped: expect.stringContaining('/nonexistent/ns') });
    const ok = await probeBindInNetns(ns.path, 'udp', 8080, ['127.0.0.1', '::1']);
    expect(ok).toEqual({ probes: [{ address: '127.0.0.1', ok: true }, expect.objectContaining({ address: '::1' })] });
  });
});
