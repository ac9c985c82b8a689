/** The native backend against the real kernel, each test in a fresh network namespace reached by path. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PortSet } from '@ephemeral-ports/core';
import { type LinuxBackend, createLinuxBackend, loadNativeBinding } from '@ephemeral-ports/linux';
import { IP, NETNS_REQUIREMENT, type Netns, canUseNetns, createNetns, execIn } from '../helpers/netns.js';
import { sysctlRange, sysctlReserved, sysctlUnprivilegedStart, sysctlWrite } from './sysctl-oracle.js';

const OWN_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';
const ownRange = () => readFileSync(OWN_RANGE_FILE, 'latin1');
const fixture = (name: string) => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));

describe.runIf(canUseNetns)(`linux native backend on the real kernel ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns;
  let backend: LinuxBackend;
  beforeEach(async () => {
    ns = await createNetns();
    backend = createLinuxBackend({ netns: ns.path, implementation: 'native' });
  });
  afterEach(() => ns.close());

  it('reads what sysctl -n reads, including a value set by sysctl', async () => {
    expect((await backend.getRange()).range).toEqual(await sysctlRange(ns));
    await sysctlWrite(ns, 'net.ipv4.ip_local_port_range', '41001 52000');
    const reading = backend.getRangeSync();
    expect(reading.range).toEqual({ low: 41001, high: 52000 });
    expect(reading.source).toBe('native:procfs');
    expect(reading.details).toEqual({ netns: ns.path });
  });

  it('sets the range in the other namespace, leaves the caller\'s own untouched', async () => {
    const own = ownRange();
    const before = await sysctlRange(ns);
    const change = await backend.setRange({ low: 45000, high: 45999 });
    expect(change).toMatchObject({ previous: before, current: { low: 45000, high: 45999 }, warnings: [] });
    expect(await ns.readRange()).toEqual({ low: 45000, high: 45999 });
    expect(await sysctlRange(ns)).toEqual({ low: 45000, high: 45999 });
    expect(ownRange()).toBe(own);
  });

  it('warns about equal parity but applies the range; a one-port range is allowed', async () => {
    const even = await backend.setRange({ low: 40000, high: 50000 });
    expect(even.warnings.map((w) => w.code)).toEqual(['RANGE_EQUAL_PARITY']);
    expect(await sysctlRange(ns)).toEqual({ low: 40000, high: 50000 });
    await backend.setRange({ low: 43210, high: 43210 });
    expect(await sysctlRange(ns)).toEqual({ low: 43210, high: 43210 });
  });

  it('after a set, connect(), listen(0) and UDP bind(0) get ports only from the new range', async () => {
    const range = { low: 47000, high: 47099 };
    await backend.setRange(range);
    const run = await ns.node(fixture('ephemeral-ports-used.mjs'), ['40']);
    expect(run.code, run.stderr).toBe(0);
    const used = JSON.parse(run.stdout) as { listener: number; connect: number[]; udp: number[] };
    const all = [used.listener, ...used.connect, ...used.udp];
    expect(all).toHaveLength(81);
    for (const port of all) {
      expect(port).toBeGreaterThanOrEqual(range.low);
      expect(port).toBeLessThanOrEqual(range.high);
    }
  });

  it('reserved ports: round trip, sysctl agrees, the list replaces and clears', async () => {
    expect((await backend.getReserved()).ports.isEmpty).toBe(true);
    const next = PortSet.fromRanges([{ low: 40010, high: 40020 }, { low: 45000, high: 45000 }]);
    const change = await backend.setReserved(next);
    expect(change.previous.isEmpty).toBe(true);
    expect((await sysctlReserved(ns)).equals(next)).toBe(true);
    const replaced = await backend.setReserved([50000, { low: 50002, high: 50003 }] as unknown as PortSet);
    expect(replaced.previous.equals(next)).toBe(true);
    expect((await sysctlReserved(ns)).toString()).toBe('50000,50002-50003');
    await backend.setReserved(PortSet.EMPTY);
    expect((await sysctlReserved(ns)).isEmpty).toBe(true);
  });

  it('connect() skips reserved ports', async () => {
    await backend.setRange({ low: 48000, high: 48049 });
    await backend.setReserved(PortSet.fromRanges([{ low: 48000, high: 48039 }]));
    const run = await ns.node(fixture('ephemeral-ports-used.mjs'), ['5']);
    expect(run.code, run.stderr).toBe(0);
    const used = JSON.parse(run.stdout) as { listener: number; connect: number[]; udp: number[] };
    for (const port of [used.listener, ...used.connect, ...used.udp]) expect(port).toBeGreaterThanOrEqual(48040);
  });

  it('reads ip_unprivileged_port_start and validates against the live value', async () => {
    expect(await backend.getConstraints()).toMatchObject({ unprivilegedPortStart: await sysctlUnprivilegedStart(ns) });
    await sysctlWrite(ns, 'net.ipv4.ip_unprivileged_port_start', '2000');
    expect(await backend.getConstraints()).toMatchObject({ unprivilegedPortStart: 2000 });
    const before = await sysctlRange(ns);
    await expect(backend.setRange({ low: 1500, high: 50001 })).rejects.toMatchObject({
      code: 'ERR_EPHEMERAL_INVALID_RANGE',
      violations: [expect.objectContaining({ code: 'RANGE_BELOW_UNPRIVILEGED_START' })],
    });
    expect(await sysctlRange(ns)).toEqual(before);
    await backend.setRange({ low: 2000, high: 50001 });
    expect(await sysctlRange(ns)).toEqual({ low: 2000, high: 50001 });
  });

  it('reads tcp_tw_reuse (for doctor) in a namespace reached by path, and in its own natively and in the JS fallback', async () => {
    const start = await sysctlUnprivilegedStart(ns);
    for (const value of ['0', '2']) {
      await sysctlWrite(ns, 'net.ipv4.tcp_tw_reuse', value);
      expect(await backend.getConstraints()).toEqual({ unprivilegedPortStart: start, tcpTwReuse: Number(value) });
    }
    for (const [value, implementation] of [['0', 'native'], ['1', 'js']] as const) {
      await sysctlWrite(ns, 'net.ipv4.tcp_tw_reuse', value);
      const run = await ns.node(fixture('own-constraints.mjs'), [implementation]);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ unprivilegedPortStart: start, tcpTwReuse: Number(value) });
    }
    // The JS fallback cannot enter a namespace: it refuses rather than report its own namespace's values.
    const js = createLinuxBackend({ netns: ns.path, implementation: 'js' });
    await expect(js.getConstraints()).rejects.toMatchObject({ code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION' });
  });

  it('the addon reads tcp_tw_reuse but refuses to write it', () => {
    const { binding } = loadNativeBinding();
    if (!binding) throw new Error('addon not built');
    expect(binding.readKnob('tcp_tw_reuse', ns.path)).toMatch(/^[012]\n$/);
    expect(() => binding.exchangeKnob('tcp_tw_reuse' as 'ip_local_port_range', '1\n', ns.path)).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });

  it('a kernel refusal surfaces from the addon as EINVAL with a negative errno, syscall and path, and no remedy of its own', async () => {
    const loaded = loadNativeBinding();
    if (!loaded.binding) throw new Error(`addon not built: ${loaded.fallbackReason}`);
    const before = await sysctlRange(ns);
    let error: unknown;
    try {
      loaded.binding.exchangeKnob('ip_local_port_range', '600 700\n', ns.path);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: 'EINVAL',
      errno: -22,
      syscall: 'write',
      path: '/proc/sys/net/ipv4/ip_local_port_range',
    });
    // Remedies are chosen on the JS side (packages/linux/src/remedy.ts), which knows what the caller was doing.
    expect((error as { remedy?: unknown }).remedy).toBeUndefined();
    expect(await sysctlRange(ns)).toEqual(before);
  });

  it('takes a per-call netns over the default and reports namespace errors with codes', async () => {
    const other = await createNetns();
    try {
      const plain = createLinuxBackend({ implementation: 'native' });
      await plain.setRange({ low: 46000, high: 46999 }, { netns: other.path });
      expect(await other.readRange()).toEqual({ low: 46000, high: 46999 });
      expect(await ns.readRange()).not.toEqual({ low: 46000, high: 46999 });
    } finally {
      await other.close();
    }
    await expect(backend.getRange({ netns: '/nonexistent/ns' })).rejects.toMatchObject({
      code: 'ENOENT',
      errno: -2,
      syscall: 'open',
      path: '/nonexistent/ns',
      remedy: expect.stringContaining('/run/netns/<name>'),
    });
    await expect(backend.getRange({ netns: '/proc/self/ns/uts' })).rejects.toMatchObject({
      code: 'EINVAL',
      syscall: 'setns',
      remedy: 'the path is not a network namespace',
    });
  });

  it('the JS fallback refuses a netns with a coded error instead of acting on its own namespace', async () => {
    const js = createLinuxBackend({ implementation: 'js' });
    const own = ownRange();
    await expect(js.setRange({ low: 44000, high: 44999 }, { netns: ns.path })).rejects.toMatchObject({
      code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION',
    });
    expect(() => js.getRangeSync({ netns: ns.path })).toThrow(expect.objectContaining({ code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION' }));
    expect(ownRange()).toBe(own);
  });
});

describe.runIf(canUseNetns)(`linux native backend, a named namespace under /run/netns ${NETNS_REQUIREMENT}`, () => {
  it('sets the range of /run/netns/<name> from outside; ip netns exec sees it', async () => {
    const name = `ephports-test-${process.pid}`;
    execFileSync(IP, ['netns', 'add', name]);
    try {
      const path = `/run/netns/${name}`;
      const own = ownRange();
      const backend = createLinuxBackend({ implementation: 'native' });
      const change = await backend.setRange({ low: 42000, high: 42999 }, { netns: path });
      expect(change.previous).toEqual({ low: 32768, high: 60999 });
      const inside = execFileSync(IP, ['netns', 'exec', name, '/usr/bin/cat', OWN_RANGE_FILE], { encoding: 'latin1' });
      expect(inside).toBe('42000\t42999\n');
      expect(await sysctlRange(path)).toEqual({ low: 42000, high: 42999 });
      expect((await execIn(path, '/usr/bin/true')).code).toBe(0);
      expect(ownRange()).toBe(own);
    } finally {
      execFileSync(IP, ['netns', 'delete', name]);
    }
  });
});
