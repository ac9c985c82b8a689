/**
 * The census' counts (counted in C++, native/linux/census_aggregate.cc) against ground truth, in a private
 * namespace with known workloads: they must equal core's aggregateSockets() of the same census' socket list
 * exactly, the counts of `ss -tanuH`, and the usage report must not change with the path it took.
 *
 * ss cannot list TCP sockets that are bound only (state CLOSE here); they are taken out of our side before the
 * comparison with ss (census-ground-truth.test.ts checks them against the workload).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateSockets, analyzeUsage, type CensusAggregate, type SocketCensus, type SocketEntry, type SocketState } from '@ephemeral-ports/core';
import { createLinuxCensus, hasCensus } from '../../packages/linux/src/census/index.js';
import { loadNativeBinding } from '../../packages/linux/src/native.js';
import { canUseNetns, createNetns, NETNS_REQUIREMENT, type Netns } from '../helpers/netns.js';
import { censusKey, SS, ssKeys } from './fixtures/ss.js';
import { startWorkload, type Workload } from './fixtures/workload.js';

/** ss's state word → the census' name (SYN-RECV: the request sockets sock_diag reports as SYN_RECV). */
const STATE: Record<string, SocketState> = {
  ESTAB: 'ESTABLISHED',
  'SYN-SENT': 'SYN_SENT',
  'SYN-RECV': 'SYN_RECV',
  'FIN-WAIT-1': 'FIN_WAIT1',
  'FIN-WAIT-2': 'FIN_WAIT2',
  'TIME-WAIT': 'TIME_WAIT',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  'LAST-ACK': 'LAST_ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
  UNCONN: 'UNCONN',
};

/** ss's lines as socket entries (keys of fixtures/ss.ts: `tcp ESTAB 127.0.0.1:40000 127.0.0.1:7001`). */
function ssSockets(output: string): SocketEntry[] {
  return ssKeys(output).map((key) => {
    const [protocol, state, local, remote] = key.split(' ') as ['tcp' | 'udp', string, string, string];
    const split = (endpoint: string) => [endpoint.slice(0, endpoint.lastIndexOf(':')), Number(endpoint.slice(endpoint.lastIndexOf(':') + 1))] as const;
    const [localAddress, localPort] = split(local);
    const [remoteAddress, remotePort] = split(remote);
    const udpState = protocol === 'udp' && state === 'ESTAB' ? 'ESTABLISHED' : protocol === 'udp' ? 'UNCONN' : undefined;
    return { protocol, family: localAddress.includes(':') ? 6 : 4, state: udpState ?? STATE[state]!, localAddress, localPort, remoteAddress, remotePort };
  });
}

/** The counts in a form that compares across listings: destinations by name, per-port counts as plain maps. */
function comparable(a: CensusAggregate) {
  const ports = (counts: Uint32Array) => Object.fromEntries([...counts.entries()].filter(([, n]) => n > 0));
  const perDestination: Record<string, { used: number; timeWait: number }> = {};
  a.outgoing.destination.forEach((d, i) => {
    const { localAddress, remoteAddress, remotePort } = a.outgoing.destinations[d]!;
    const entry = (perDestination[`${localAddress}|${remoteAddress}|${remotePort}`] ??= { used: 0, timeWait: 0 });
    entry.used++;
    entry.timeWait += a.outgoing.timeWait[i]!;
  });
  const byState = { tcp: Object.entries(a.byState.tcp).sort(), udp: Object.entries(a.byState.udp).sort() };
  return { total: a.total, byState, tcp: ports(a.localPorts.tcp), udp: ports(a.localPorts.udp), udpUnconnected: ports(a.localPorts.udpUnconnected), bound: a.bound.map(censusKey).sort(), perDestination };
}

describe.runIf(canUseNetns)(`census aggregate equals the socket list and ss -tanu ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns;
  const workloads: Workload<{ ready: boolean }>[] = [];
  let counted: SocketCensus;
  let listed: SocketCensus;
  let ss: SocketEntry[];

  beforeAll(async () => {
    ns = await createNetns();
    workloads.push(await startWorkload(ns, 'test/census/fixtures/ground-truth-workload.mjs'));
    workloads.push(await startWorkload(ns, 'test/census/fixtures/many-destinations-workload.mjs', ['80']));
    const binding = loadNativeBinding().binding;
    if (!hasCensus(binding)) throw new Error('the addon has no census');
    const census = createLinuxCensus(binding);
    counted = await census({ netns: ns.path, method: 'netlink', aggregate: true });
    listed = await census({ netns: ns.path, method: 'netlink' });
    const out = await ns.exec(SS, ['-tanuH']);
    expect(out.code).toBe(0);
    ss = ssSockets(out.stdout);
  }, 60_000);
  afterAll(async () => {
    for (const w of workloads) await w.stop();
    await ns?.close();
  });

  it('comes from sock_diag with counts, and its lazy socket list is the census a plain call returns', () => {
    expect(counted.source).toBe('netlink:sock_diag');
    expect(counted.aggregate).toBeDefined();
    expect(counted.sockets.map(censusKey).sort()).toEqual(listed.sockets.map(censusKey).sort());
    expect(counted.sockets).toBe(counted.sockets); // built once
  });

  it('the C++ counts equal aggregateSockets() of the same census, array by array and in the same order', () => {
    const fromList = aggregateSockets(counted.sockets);
    expect(counted.aggregate!.outgoing.destinations.length).toBeGreaterThan(80);
    expect(counted.aggregate).toEqual(fromList);
    // state order too: the reports list states in the order they first appear
    expect(Object.keys(counted.aggregate!.byState.tcp)).toEqual(Object.keys(fromList.byState.tcp));
  });

  it('the C++ counts equal those of ss -tanuH (bound-only TCP sockets aside)', () => {
    const ours = counted.sockets.filter((s) => !(s.protocol === 'tcp' && s.state === 'CLOSE'));
    const native = comparable(counted.aggregate!);
    const bound = counted.aggregate!.bound.filter((s) => s.state === 'CLOSE');
    for (const s of bound) native.tcp[s.localPort]! -= 1;
    for (const [port, n] of Object.entries(native.tcp)) if (n === 0) delete native.tcp[Number(port)];
    native.total -= bound.length;
    native.byState.tcp = native.byState.tcp.map(([state, n]) => [state, state === 'CLOSE' ? n - bound.length : n] as [string, number]).filter(([, n]) => n > 0);
    native.bound = native.bound.filter((k) => !k.includes(' UNCONN '));
    // sock_diag's NEW_SYN_RECV and SYN_RECV are both SYN-RECV to ss
    const fromSs = comparable(aggregateSockets(ss));
    expect(native).toEqual(fromSs);
    expect(comparable(aggregateSockets(ours))).toEqual(fromSs);
  });

  it('the usage report is the same from the counts as from the list, to the order of its JSON', () => {
    const range = { low: 32768, high: 60999 };
    const viaCounts = analyzeUsage({ census: counted, range });
    const viaList = analyzeUsage({ census: { sockets: counted.sockets, source: counted.source }, range });
    expect(JSON.stringify(viaCounts)).toBe(JSON.stringify(viaList));
    expect(viaCounts.destinations.length).toBeGreaterThan(80);
    // a range around the workload's listeners: server sides and listeners inside it
    const low = { low: 7000, high: 7400 };
    expect(JSON.stringify(analyzeUsage({ census: counted, range: low }))).toBe(JSON.stringify(analyzeUsage({ census: { sockets: counted.sockets, source: counted.source }, range: low })));
  });
});
