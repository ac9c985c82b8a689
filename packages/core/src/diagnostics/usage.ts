/**
 * Usage analysis of a socket census against the ephemeral range: what is in use, where, and — per destination —
 * how close `connect()` is to running out. Pure: the census and the range come in, a report comes out.
 *
 * Why per destination: Linux lets one local port serve many connections as long as the 4-tuple differs, so
 * outgoing TCP runs out per (local address, remote address, remote port), not globally (platform-facts §3.7).
 */
import { checkObject, invalidArgType } from '../errors.js';
import type { Protocol } from '../platform.js';
import { PortSet, checkRange, rangeSize, type PortRange } from '../range.js';
import { type CensusAggregate, aggregateSockets, type SocketCensus, type SocketEntry, type SocketState } from '../sockets.js';
import { connectionCapacity } from '../allocation/capacity.js';

export interface UsageInput {
  census: SocketCensus;
  /** The live ephemeral range the census is compared with. */
  range: PortRange;
  /** Linux `ip_local_reserved_ports` (Windows: excluded ranges); automatic assignment skips them. */
  reserved?: PortSet;
}

export interface DestinationUsage {
  localAddress: string;
  remoteAddress: string;
  remotePort: number;
  /** Connections to this destination from this local address whose local port lies in the range. */
  used: number;
  /** How many of `used` are in TIME_WAIT. */
  timeWait: number;
  /** Ports `connect()` can pick for this destination: core's `connectionCapacity().usablePorts`. */
  capacity: number;
  /** Connections that always succeed (Linux, odd range size: one fewer); `connectionCapacity().guaranteed`. */
  guaranteed: number;
  /** used / capacity (1 = exhausted; Infinity when capacity is 0). */
  pressure: number;
}

export interface UsageReport {
  range: PortRange;
  /** Ports of the range automatic assignment may use (range minus reserved). */
  usableSize: number;
  reservedInRange: number;
  source: string;
  fallbackReason?: string;
  total: number;
  byState: Record<Protocol, Partial<Record<SocketState, number>>>;
  /** Distinct local ports inside the range held by any socket, per protocol and overall. */
  portsInUse: { tcp: number; udp: number; any: number };
  /** portsInUse.any / usableSize: pressure on bind(0), listen(0) and UDP autobind, which need a unique port. */
  rangePressure: number;
  timeWait: { count: number; /** of all TCP sockets */ share: number };
  /** Heaviest first. TCP only: UDP autobind takes a port of its own, which rangePressure already measures. */
  destinations: DestinationUsage[];
  /** TCP sockets bound but neither listening nor connected (kernel ≥ 6.7 lists them; older kernels do not). */
  boundInactive: SocketEntry[];
  /** Unconnected UDP sockets whose port lies in the range. */
  udpUnconnectedInRange: number;
  /** TCP listeners whose port lies inside the ephemeral range: they collide with outgoing connections. */
  listenersInRange: SocketEntry[];
}

function assertInput(input: UsageInput): void {
  checkObject('input', input, 'a {census, range} object');
  const census = input.census as Partial<SocketCensus> | undefined;
  if (typeof census?.aggregate !== 'object' && !Array.isArray(census?.sockets)) throw invalidArgType('input.census', 'a census (with sockets)', input.census);
  checkRange(input.range, 'input.range');
}

// The loops over every port of the range and every connection are in functions of their own: V8 optimizes such a
// hot loop in the background, and a process cannot exit before that compile ends. A small function compiles in a
// fraction of the time the whole report function would take, which every short `usage` run would wait for.

/** Ports of the range with at least one TCP / UDP / any socket, and the unconnected UDP sockets on them. */
function portsUsedIn(localPorts: CensusAggregate['localPorts'], range: PortRange) {
  let tcpPorts = 0;
  let udpPorts = 0;
  let anyPorts = 0;
  let udpUnconnectedInRange = 0;
  for (let port = range.low; port <= range.high; port++) {
    const t = localPorts.tcp[port]!;
    const u = localPorts.udp[port]!;
    if (t) tcpPorts++;
    if (u) udpPorts++;
    if (t || u) anyPorts++;
    udpUnconnectedInRange += localPorts.udpUnconnected[port]!;
  }
  return { tcpPorts, udpPorts, anyPorts, udpUnconnectedInRange };
}

/** Per destination index: connections from a port in the range, those in TIME_WAIT, and the first one's index. */
function connectionsPerDestination(outgoing: CensusAggregate['outgoing'], range: PortRange) {
  const count = outgoing.destinations.length;
  const used = new Uint32Array(count);
  const waiting = new Uint32Array(count);
  const first = new Int32Array(count).fill(-1);
  const { destination, localPort, timeWait } = outgoing;
  for (let i = 0; i < destination.length; i++) {
    const port = localPort[i]!;
    if (port < range.low || port > range.high) continue;
    const d = destination[i]!;
    if (first[d] === -1) first[d] = i;
    used[d] = used[d]! + 1;
    waiting[d] = waiting[d]! + timeWait[i]!;
  }
  return { used, waiting, first };
}

/**
 * The report, computed from the census' counts ({@link CensusAggregate}): the addon's when the census carries
 * them, else those of its socket list, so both paths share every line below.
 */
export function analyzeUsage(input: UsageInput): UsageReport {
  assertInput(input);
  const { census, range } = input;
  const { total, byState, localPorts, bound, outgoing } = census.aggregate ?? aggregateSockets(census.sockets);
  const reserved = input.reserved ?? PortSet.EMPTY;
  const reservedInRange = reserved.intersect(range).size;
  const inRange = (port: number) => port >= range.low && port <= range.high;

  const { tcpPorts, udpPorts, anyPorts, udpUnconnectedInRange } = portsUsedIn(localPorts, range);

  const listeners: SocketEntry[] = [];
  const boundInactive: SocketEntry[] = [];
  /** Ports a bind() user holds: connect() skips them (bind buckets with fastreuse >= 0). */
  const bindHeld = new Set<number>();
  for (const s of bound) {
    if (s.state === 'LISTEN') {
      if (inRange(s.localPort)) listeners.push(s);
    } else {
      boundInactive.push(s);
    }
    if (inRange(s.localPort)) bindHeld.add(s.localPort);
  }
  let tcpTotal = 0;
  for (const n of Object.values(byState.tcp)) tcpTotal += n;
  const timeWait = byState.tcp.TIME_WAIT ?? 0;

  // Per destination, the connections whose local port lies in the range; destinations in the order of their
  // first such connection, so that equal pressures keep census order.
  const count = outgoing.destinations.length;
  const { used, waiting, first } = connectionsPerDestination(outgoing, range);
  const { usablePorts: capacity, guaranteed } = connectionCapacity({ range, reserved, bound: PortSet.fromPorts(bindHeld) });
  const seen: number[] = [];
  for (let d = 0; d < count; d++) if (first[d] !== -1) seen.push(d);
  seen.sort((a, b) => first[a]! - first[b]!);
  const destinations: DestinationUsage[] = seen.map((d) => {
    const { localAddress, remoteAddress, remotePort } = outgoing.destinations[d]!;
    const n = used[d]!;
    return { localAddress, remoteAddress, remotePort, used: n, timeWait: waiting[d]!, capacity, guaranteed, pressure: capacity > 0 ? n / capacity : Infinity };
  });
  destinations.sort((a, b) => b.pressure - a.pressure || b.used - a.used);

  const usableSize = rangeSize(range) - reservedInRange;
  const report: UsageReport = {
    range: { low: range.low, high: range.high },
    usableSize,
    reservedInRange,
    source: census.source,
    total,
    byState: { tcp: { ...byState.tcp }, udp: { ...byState.udp } },
    portsInUse: { tcp: tcpPorts, udp: udpPorts, any: anyPorts },
    rangePressure: usableSize > 0 ? anyPorts / usableSize : Infinity,
    timeWait: { count: timeWait, share: tcpTotal > 0 ? timeWait / tcpTotal : 0 },
    destinations,
    boundInactive,
    udpUnconnectedInRange,
    listenersInRange: listeners.sort((a, b) => a.localPort - b.localPort),
  };
  if (census.fallbackReason !== undefined) report.fallbackReason = census.fallbackReason;
  return report;
}
