/**
 * `set`, `get`, `reserved`, `explain` against the real Linux kernel, always inside private network namespaces:
 * either through `--netns /proc/<pid>/ns/net` or by running the CLI inside the namespace with nsenter.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NETNS_REQUIREMENT, SETPRIV, type Netns, canUseNetns, createNetns } from '../helpers/netns.js';
import { BIN, ROOT, assertBuilt, runCli } from './run-cli.js';

const SYSCTL = '/usr/sbin/sysctl';
const hostRange = () => readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
/** The environment for CLI runs: the real platform backend (no override), a temp sysctl.d dir. */
const cleanEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: process.env.HOME, ...extra });

describe.runIf(canUseNetns)(`CLI on the real kernel ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns;
  let host: string;
  beforeAll(assertBuilt);
  beforeEach(async () => {
    host = await hostRange();
    ns = await createNetns();
  });
  afterEach(async () => {
    await ns.close();
    expect(await hostRange()).toBe(host); // nothing leaked to the host namespace
  });

  const inNs = (args: string[], env: NodeJS.ProcessEnv = {}) => ns.exec(process.execPath, [BIN, ...args], { env: cleanEnv(env) });

  it('set --netns changes that namespace only; get --netns reads it back', async () => {
    const r = await runCli(['set', '40000', '50001', '--netns', ns.path, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ previous: { low: 32768, high: 60999 }, current: { low: 40000, high: 50001 }, changed: true, netns: ns.path });
    expect(await ns.readRange()).toEqual({ low: 40000, high: 50001 });
    const g = await runCli(['get', '--netns', ns.path, '--json']);
    expect(JSON.parse(g.stdout)).toMatchObject({ range: { low: 40000, high: 50001 }, netns: ns.path });
    expect(JSON.parse(g.stdout).source).not.toBe('default');
  });

  it('set low-high inside the namespace (nsenter) with human output', async () => {
    const r = await inNs(['set', '40001-50000']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('32768-60999 → 40001-50000 (10000 ports)');
    expect(await ns.readRange()).toEqual({ low: 40001, high: 50000 });
  });

  it('--dry-run changes nothing in the kernel', async () => {
    const r = await runCli(['set', '40000-50001', '--dry-run', '--netns', ns.path]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('would set the tcp ephemeral range: 32768-60999 → 40000-50001');
    expect(await ns.readRange()).toEqual({ low: 32768, high: 60999 });
  });

  it('an invalid range is exit 2 and the kernel keeps its value', async () => {
    for (const args of [['500', '40000'], ['50001', '40000'], ['40000', '65536']]) {
      const r = await runCli(['set', ...args, '--netns', ns.path]);
      expect(r.code, r.stderr).toBe(2);
    }
    expect(await ns.readRange()).toEqual({ low: 32768, high: 60999 });
  });

  it('refuses a range containing a port a service listens on in that namespace; --force overrides', async () => {
    const listener = ns.spawnNode(join(ROOT, 'test/cli/fixtures/listen.cjs'), ['45000']);
    try {
      const [chunk] = (await once(listener.stdout!, 'data')) as [Buffer];
      expect(chunk.toString()).toContain('listening');
      const r = await runCli(['set', '40000-50001', '--netns', ns.path, '--json']);
      expect(r.code).toBe(3);
      const { error } = JSON.parse(r.stderr);
      expect(error.violations[0].code).toBe('SAFETY_OVERLAPS_LISTENING');
      expect(error.violations[0].message).toContain('45000');
      expect(await ns.readRange()).toEqual({ low: 32768, high: 60999 });
      // Outside the listener's port: fine.
      expect((await runCli(['set', '46000-56001', '--netns', ns.path])).code).toBe(0);
      const forced = await runCli(['set', '40000-50001', '--force', '--netns', ns.path]);
      expect(forced.code, forced.stderr).toBe(0);
      expect(await ns.readRange()).toEqual({ low: 40000, high: 50001 });
      // explain run inside the namespace sees the bound port through the bind probe and the census.
      const e = await inNs(['explain', '45000', '--json']);
      const [x] = JSON.parse(e.stdout);
      expect(x.verdict).toBe('blocked');
      expect(x.findings.map((f: { code: string }) => f.code)).toEqual(expect.arrayContaining(['PORT_IN_USE', 'PORT_IN_EPHEMERAL_RANGE']));
    } finally {
      listener.kill('SIGKILL');
    }
  });

  it('without privilege the kernel answers EACCES: exit 77, range unchanged', async () => {
    const r = await ns.exec(SETPRIV, ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'set', '40000-50001'], {
      env: cleanEnv(),
    });
    expect(r.code, r.stderr).toBe(77);
    expect(r.stderr).toMatch(/error \[(EACCES|EPERM)\]/);
    expect(await ns.readRange()).toEqual({ low: 32768, high: 60999 });
  });

  it('reserved set/add --netns writes ip_local_reserved_ports of that namespace', async () => {
    expect((await runCli(['reserved', 'set', '45000-45010', '--netns', ns.path])).code).toBe(0);
    expect((await runCli(['reserved', 'add', '8080', '--netns', ns.path])).code).toBe(0);
    const r = await ns.exec('/usr/bin/cat', ['/proc/sys/net/ipv4/ip_local_reserved_ports']);
    expect(r.stdout.trim()).toBe('8080,45000-45010');
    const g = await runCli(['reserved', '--netns', ns.path, '--json']);
    expect(JSON.parse(g.stdout)).toMatchObject({ kind: 'reserved', count: 12, ports: [{ low: 8080, high: 8080 }, { low: 45000, high: 45010 }] });
  });
});

describe.runIf(canUseNetns)(`set --persist into a temporary sysctl.d, applied with the real sysctl -p ${NETNS_REQUIREMENT}`, () => {
  // The directory is the /etc/sysctl.d of a temporary root (EPHEMERAL_PORTS_SYSCTL_ROOT): the boot order is judged
  // there, so the file counts as read at boot (a directory outside the order gets PERSIST_NOT_READ_AT_BOOT).
  let root: string;
  let dir: string;
  let ns: Netns;
  const sysctlEnv = () => ({ EPHEMERAL_PORTS_SYSCTL_ROOT: root, EPHEMERAL_PORTS_SYSCTL_DIR: dir });
  beforeAll(assertBuilt);
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'ep-sysctl-root-'));
    dir = join(root, 'etc/sysctl.d');
    mkdirSync(dir, { recursive: true });
    ns = await createNetns();
  });
  afterEach(async () => {
    await ns.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('--dry-run --persist shows the file diff and writes nothing', async () => {
    const r = await ns.exec(process.execPath, [BIN, 'set', '40001-50000', '--persist', '--dry-run'], {
      env: cleanEnv(sysctlEnv()),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`would write ${join(dir, '90-ephemeral-ports.conf')}`);
    expect(r.stdout).toContain('+net.ipv4.ip_local_port_range = 40001 50000');
    expect(existsSync(join(dir, '90-ephemeral-ports.conf'))).toBe(false);
    expect(await ns.readRange()).toEqual({ low: 32768, high: 60999 });
  });

  it('writes the file, reports live and persisted values, and the file applies in a fresh namespace', async () => {
    const r = await ns.exec(process.execPath, [BIN, 'set', '40001-50000', '--persist', '--json'], {
      env: cleanEnv(sysctlEnv()),
    });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    const file = join(dir, '90-ephemeral-ports.conf');
    expect(doc.current).toEqual({ low: 40001, high: 50000 });
    expect(doc.persisted).toMatchObject({ target: file, written: true, range: { low: 40001, high: 50000 } });
    expect(doc.persisted.diff).toContain('+net.ipv4.ip_local_port_range = 40001 50000');
    expect(readFileSync(file, 'utf8')).toContain('net.ipv4.ip_local_port_range = 40001 50000\n');
    expect(await ns.readRange()).toEqual({ low: 40001, high: 50000 });

    const fresh = await createNetns();
    try {
      expect(await fresh.readRange()).toEqual({ low: 32768, high: 60999 });
      const applied = await fresh.exec(SYSCTL, ['-p', file]);
      expect(applied.code, applied.stderr).toBe(0);
      expect(await fresh.readRange()).toEqual({ low: 40001, high: 50000 });
    } finally {
      await fresh.close();
    }
  });

  it('--persist with --netns is refused before anything changes (sysctl.d applies to the initial namespace only)', async () => {
    const r = await runCli(['set', '40001-50000', '--persist', '--netns', ns.path], sysctlEnv());
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('ERR_EPHEMERAL_UNSUPPORTED_OPERATION');
    expect(await ns.readRange()).toEqual({ low: 32768, high: 60999 });
    expect(existsSync(join(dir, '90-ephemeral-ports.conf'))).toBe(false);
  });
});
