/**
 * The census against ground truth: a known workload in a private namespace, listed by our census (sock_diag and
 * the /proc/net fallback) and by `ss -tanuH` inside the same namespace, compared socket by socket.
 *
 * One documented difference: TCP sockets that are bound but neither listening nor connected are dumped by
 * sock_diag on kernels ≥ 6.7 (state CLOSE), while ss from iproute2 6.1 (Debian 12) cannot list them; they are
 * checked against the workload's own list instead.
 */
import { release } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SocketCensus } from '@ephemeral-ports/core';
import { createLinuxBackend } from '@ephemeral-ports/linux';
import { createLinuxCensus } from '../../packages/linux/src/census/index.js';
import { canUseNetns, createNetns, NETNS_REQUIREMENT, type Netns } from '../helpers/netns.js';
import { censusKey, SS, ssKeys, stateCounts } from './fixtures/ss.js';
import { startWorkload, type Workload } from './fixtures/workload.js';

const WORKLOAD = 'test/census/fixtures/ground-truth-workload.mjs';
/** sock_diag dumps bound-only TCP sockets (TCP_BOUND_INACTIVE) since Linux 6.7. */
const [major = 0, minor = 0] = release().split('.').map((n) => Number.parseInt(n, 10));
const DUMPS_BOUND_INACTIVE = major > 6 || (major === 6 && minor >= 7);

describe.runIf(canUseNetns)(`census equals ss -tanu in a namespace with a known workload ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns;
  let workload: Workload<{ ready: boolean; boundOnly: number[]; pid?: number }>;
  let census: SocketCensus;
  let ss: string[];

  beforeAll(async () => {
    ns = await createNetns();
    workload = await startWorkload(ns, WORKLOAD);
    const backend = createLinuxBackend();
    census = await backend.census!({ netns: ns.path });
    const out = await ns.exec(SS, ['-tanuH']);
    expect(out.code).toBe(0);
    ss = ssKeys(out.stdout);
    // Nothing may have changed between the two listings, or the comparison would prove nothing.
    expect((await backend.census!({ netns: ns.path })).sockets.map(censusKey).sort()).toEqual(census.sockets.map(censusKey).sort());
  });
  afterAll(async () => {
    await workload?.stop();
    await ns?.close();
  });

  it('used NETLINK_SOCK_DIAG', () => {
    expect(census.source).toBe('netlink:sock_diag');
    expect(census.fallbackReason).toBeUndefined();
  });

  it('lists the same sockets as ss, state by state and socket by socket', () => {
    const ours = census.sockets.filter((s) => !(s.protocol === 'tcp' && s.state === 'CLOSE')).map(censusKey);
    expect(stateCounts(ours)).toEqual(stateCounts(ss));
    expect([...ours].sort()).toEqual([...ss].sort());
  });

  it('covers the workload: listeners, established v4/v6/v4-mapped, TIME_WAIT on purpose, UDP bound and connected', () => {
    const counts = stateCounts(census.sockets.map(censusKey));
    // 4 listeners; 35 connections = 70 established sockets; 11 client-side TIME_WAIT; 4 UDP.
    expect(counts['tcp LISTEN']).toBe(4);
    expect(counts['tcp ESTAB']).toBe(70);
    expect(counts['tcp TIME-WAIT']).toBe(11);
    expect(counts['udp UNCONN']).toBe(2);
    expect(counts['udp ESTAB']).toBe(2);
    const has = (pred: (s: SocketCensus['sockets'][number]) => boolean) => census.sockets.some(pred);
    expect(has((s) => s.family === 6 && s.state === 'LISTEN' && s.localAddress === '::1' && s.localPort === 7002)).toBe(true);
    expect(has((s) => s.family === 6 && s.localAddress === '::ffff:127.0.0.1' && s.localPort === 7003)).toBe(true);
    expect(has((s) => s.protocol === 'udp' && s.family === 6 && s.state === 'ESTABLISHED' && s.remotePort === 7101)).toBe(true);
    expect(has((s) => s.state === 'TIME_WAIT' && s.family === 6 && s.remotePort === 7002)).toBe(true);
  });

  it.runIf(DUMPS_BOUND_INACTIVE)(`lists bound-only TCP sockets exactly as the workload bound them (needs kernel ≥ 6.7; running ${release()})`, () => {
    const bound = census.sockets.filter((s) => s.protocol === 'tcp' && s.state === 'CLOSE').map((s) => s.localPort).sort();
    expect(bound).toEqual([...workload.info.boundOnly].sort());
  });

  it('the /proc/net fallback agrees with ss too (it cannot see bound-only sockets)', async () => {
    const fallback = await createLinuxCensus(null, 'test: forced')({ netns: `/proc/${ns.pid}/ns/net` });
    expect(fallback.source).toBe('procfs:/proc/net');
    expect(fallback.fallbackReason).toBe('test: forced');
    expect(fallback.sockets.map(censusKey).sort()).toEqual([...ss].sort());
  });

  it('names owning processes when asked', async () => {
    const withOwners = await createLinuxBackend().census!({ netns: ns.path, processes: true });
    const listener = withOwners.sockets.find((s) => s.state === 'LISTEN' && s.localPort === 7001)!;
    expect(listener.pid).toBe(workload.info.pid ?? workload.child.pid);
    expect(listener.command).toBe('node');
    const bound = withOwners.sockets.find((s) => s.state === 'CLOSE');
    if (DUMPS_BOUND_INACTIVE) expect(bound!.command).toMatch(/^python3/);
    // TIME_WAIT sockets belong to no process any more
    expect(withOwners.sockets.filter((s) => s.state === 'TIME_WAIT').every((s) => s.pid === undefined)).toBe(true);
  });

  it('protocol and family filters return exactly the matching subset (one-family TCP uses inet_diag_req_v2)', async () => {
    const backend = createLinuxBackend();
    const keys = (list: SocketCensus['sockets']) => list.map(censusKey).sort();
    const v6 = await backend.census!({ netns: ns.path, families: [6] });
    expect(keys(v6.sockets)).toEqual(keys(census.sockets.filter((s) => s.family === 6)));
    const tcp4 = await backend.census!({ netns: ns.path, protocols: ['tcp'], families: [4] });
    expect(keys(tcp4.sockets)).toEqual(keys(census.sockets.filter((s) => s.protocol === 'tcp' && s.family === 4)));
    const udp = await backend.census!({ netns: ns.path, protocols: ['udp'] });
    expect(keys(udp.sockets)).toEqual(keys(census.sockets.filter((s) => s.protocol === 'udp')));
    expect(v6.sockets.length).toBeGreaterThan(0);
    expect(tcp4.sockets.length).toBeGreaterThan(0);
  });

  it('reports an unknown namespace path as a coded OS error', async () => {
    await expect(createLinuxBackend().census!({ netns: '/proc/999999999/ns/net' })).rejects.toMatchObject({ code: 'ENOENT', syscall: 'open' });
  });
});
