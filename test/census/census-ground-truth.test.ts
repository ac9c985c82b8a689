/**
 * The census against ground truth: a known workload in a private namespace, listed by our census (sock_diag
 * through the addon, as `auto` and as `netlink`, and the /proc/net fallback) and by `ss -tanuH` inside the same
 * namespace, compared socket by socket.
 *
 * One documented difference: TCP sockets that are bound but neither listening nor connected are dumped by
 * sock_diag on kernels ≥ 6.7 (state CLOSE), while ss from iproute2 6.1 (Debian 12) cannot list them; they are
 * checked against the workload's own list instead.
 */
import { release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CensusOptions, SocketCensus, SocketEntry } from '@ephemeral-ports/core';
import { createLinuxBackend } from '@ephemeral-ports/linux';
import { createLinuxCensus, hasCensus } from '../../packages/linux/src/census/index.js';
import { loadNativeBinding } from '../../packages/linux/src/native.js';
import { canUseNetns, createNetns, NETNS_REQUIREMENT, SETPRIV, type Netns } from '../helpers/netns.js';
import { censusKey, SS, ssKeys, stateCounts } from './fixtures/ss.js';
import { startWorkload, type Workload } from './fixtures/workload.js';

const WORKLOAD = 'test/census/fixtures/ground-truth-workload.mjs';
/** sock_diag dumps bound-only TCP sockets (TCP_BOUND_INACTIVE) since Linux 6.7. */
const [major = 0, minor = 0] = release().split('.').map((n) => Number.parseInt(n, 10));
const DUMPS_BOUND_INACTIVE = major > 6 || (major === 6 && minor >= 7);
const METHODS = ['auto', 'netlink'] as const;
type Method = (typeof METHODS)[number];
const SOURCE = 'netlink:sock_diag';
const AS_CALLER = fileURLToPath(new URL('fixtures/census-as-caller.mts', import.meta.url));

describe.runIf(canUseNetns)(`census equals ss -tanu in a namespace with a known workload ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns;
  let workload: Workload<{ ready: boolean; boundOnly: number[]; pid?: number }>;
  const listings = {} as Record<Method, SocketCensus>;
  let ss: string[];

  /** The census by one method, through the addon. */
  const censusOf = (method: Method, options: CensusOptions = {}) => {
    const binding = loadNativeBinding().binding;
    if (!hasCensus(binding)) throw new Error('the addon has no census');
    return createLinuxCensus(binding)({ netns: ns.path, ...options, method });
  };

  beforeAll(async () => {
    ns = await createNetns();
    workload = await startWorkload(ns, WORKLOAD);
    const backend = createLinuxBackend();
    listings.auto = await backend.census!({ netns: ns.path });
    listings.netlink = await censusOf('netlink');
    const out = await ns.exec(SS, ['-tanuH']);
    expect(out.code).toBe(0);
    ss = ssKeys(out.stdout);
    // Nothing may have changed between the listings, or the comparison would prove nothing.
    const again = await backend.census!({ netns: ns.path, method: 'netlink' });
    expect(again.sockets.map(censusKey).sort()).toEqual(listings.netlink.sockets.map(censusKey).sort());
  });
  afterAll(async () => {
    await workload?.stop();
    await ns?.close();
  });

  describe.each(METHODS)('method %s', (method) => {
    it(`reports source ${SOURCE}, no fallback`, () => {
      expect(listings[method].source).toBe(SOURCE);
      expect(listings[method].fallbackReason).toBeUndefined();
    });

    it('lists the same sockets as ss, state by state and socket by socket', () => {
      const ours = listings[method].sockets.filter((s) => !(s.protocol === 'tcp' && s.state === 'CLOSE')).map(censusKey);
      expect(stateCounts(ours)).toEqual(stateCounts(ss));
      expect([...ours].sort()).toEqual([...ss].sort());
    });

    it('covers the workload: listeners, established v4/v6/v4-mapped, TIME_WAIT, FIN_WAIT2, CLOSE_WAIT, SYN_RECV, UDP', () => {
      const census = listings[method];
      const counts = stateCounts(census.sockets.map(censusKey));
      // 6 listeners; 35 connections = 70 established sockets, plus 3 clients whose handshake the deferred listener
      // holds in SYN_RECV; 11 client-side TIME_WAIT; 2 orphaned FIN_WAIT2 facing 2 CLOSE_WAIT; 4 UDP.
      expect(counts['tcp LISTEN']).toBe(6);
      expect(counts['tcp ESTAB']).toBe(73);
      expect(counts['tcp SYN-RECV']).toBe(3);
      expect(counts['tcp TIME-WAIT']).toBe(11);
      expect(counts['tcp FIN-WAIT-2']).toBe(2);
      expect(counts['tcp CLOSE-WAIT']).toBe(2);
      expect(counts['udp UNCONN']).toBe(2);
      expect(counts['udp ESTAB']).toBe(2);
      const has = (pred: (s: SocketEntry) => boolean) => census.sockets.some(pred);
      expect(has((s) => s.family === 6 && s.state === 'LISTEN' && s.localAddress === '::1' && s.localPort === 7002)).toBe(true);
      expect(has((s) => s.family === 6 && s.localAddress === '::ffff:127.0.0.1' && s.localPort === 7003)).toBe(true);
      expect(has((s) => s.protocol === 'udp' && s.family === 6 && s.state === 'ESTABLISHED' && s.remotePort === 7101)).toBe(true);
      expect(has((s) => s.state === 'TIME_WAIT' && s.family === 6 && s.remotePort === 7002)).toBe(true);
      // the clients Python made as uid 65534; request sockets report uid 0, as sock_diag does
      expect(census.sockets.filter((s) => s.remotePort === 7004 && s.state === 'ESTABLISHED').map((s) => s.uid)).toEqual([65534, 65534, 65534]);
      expect(census.sockets.filter((s) => s.state === 'SYN_RECV').map((s) => s.uid)).toEqual([0, 0, 0]);
    });

    it.runIf(DUMPS_BOUND_INACTIVE)(`lists bound-only TCP sockets exactly as the workload bound them (needs kernel ≥ 6.7; running ${release()})`, () => {
      const bound = listings[method].sockets.filter((s) => s.protocol === 'tcp' && s.state === 'CLOSE').map((s) => s.localPort).sort();
      expect(bound).toEqual([...workload.info.boundOnly].sort());
    });

    it('names owning processes when asked', async () => {
      const withOwners = await censusOf(method, { processes: true });
      expect(withOwners.source).toBe(SOURCE);
      const listener = withOwners.sockets.find((s) => s.state === 'LISTEN' && s.localPort === 7001)!;
      expect(listener.pid).toBe(workload.info.pid ?? workload.child.pid);
      expect(listener.command).toBe('node');
      const bound = withOwners.sockets.find((s) => s.state === 'CLOSE');
      if (DUMPS_BOUND_INACTIVE) expect(bound!.command).toMatch(/^python3/);
      // TIME_WAIT sockets belong to no process any more
      expect(withOwners.sockets.filter((s) => s.state === 'TIME_WAIT').every((s) => s.pid === undefined)).toBe(true);
    });

    it('protocol and family filters return exactly the matching subset', async () => {
      const all = listings[method].sockets;
      const keys = (list: readonly SocketEntry[]) => list.map(censusKey).sort();
      const v6 = await censusOf(method, { families: [6] });
      expect(keys(v6.sockets)).toEqual(keys(all.filter((s) => s.family === 6)));
      const tcp4 = await censusOf(method, { protocols: ['tcp'], families: [4] });
      expect(keys(tcp4.sockets)).toEqual(keys(all.filter((s) => s.protocol === 'tcp' && s.family === 4)));
      const udp = await censusOf(method, { protocols: ['udp'] });
      expect(keys(udp.sockets)).toEqual(keys(all.filter((s) => s.protocol === 'udp')));
      expect(v6.sockets.length).toBeGreaterThan(0);
      expect(tcp4.sockets.length).toBeGreaterThan(0);
    });

    it('reports an unknown namespace path as a coded OS error with the namespace remedy', async () => {
      await expect(censusOf(method, { netns: '/proc/999999999/ns/net' })).rejects.toMatchObject({
        name: 'EphemeralPortsError',
        code: 'ENOENT',
        errno: -2,
        syscall: 'open',
        path: '/proc/999999999/ns/net',
        remedy: expect.stringContaining('/run/netns/<name>'),
      });
    });
  });

  it('as nobody: sock_diag needs no privilege, so auto and netlink list the same sockets as root does', async () => {
    const run = await ns.exec(SETPRIV, ['--reuid', '65534', '--regid', '65534', '--clear-groups', process.execPath, '--import', 'tsx', AS_CALLER]);
    const report = JSON.parse(run.stdout) as Record<string, Record<string, unknown>> & { uid: number };
    expect(report.uid).toBe(65534);
    expect(report.auto).toEqual({ source: SOURCE, sockets: listings.netlink.sockets.length });
    expect(report.netlink).toEqual(report.auto);
  });

  it('the /proc/net fallback agrees with ss too (it cannot see bound-only sockets)', async () => {
    const fallback = await createLinuxCensus(null, 'test: forced')({ netns: `/proc/${ns.pid}/ns/net` });
    expect(fallback.source).toBe('procfs:/proc/net');
    expect(fallback.fallbackReason).toBe('test: forced');
    expect(fallback.sockets.map(censusKey).sort()).toEqual([...ss].sort());
  });
});
