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
import type { SocketCensus, SocketEntry, SocketState } from '../sockets.js';
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

const CLOSED_STATES = new Set<SocketState>(['LISTEN', 'CLOSE', 'BOUND', 'UNCONN']);

function assertInput(input: UsageInput): void {
  checkObject('input', input, 'a {census, range} object');
  if (!Array.isArray(input.census?.sockets)) throw invalidArgType('input.census', 'a census (with sockets)', input.census);
  checkRange(input.range, 'input.range');
}

export function analyzeUsage(input: UsageInput): UsageReport {
  assertInput(input);
  const { census, range } = input;
  const reserved = input.reserved ?? PortSet.EMPTY;
  const reservedInRange = reserved.intersect(range).size;
  const inRange = (port: number) => port >= range.low && port <= range.high;

  const byState: UsageReport['byState'] = { tcp: {}, udp: {} };
  const tcpPorts = new Set<number>();
  const udpPorts = new Set<number>();
  const listeners: SocketEntry[] = [];
  const boundInactive: SocketEntry[] = [];
  /** Ports a bind() user holds: connect() skips them (bind buckets with fastreuse >= 0). */
  const bindHeld = new Set<number>();
  const listenKeys = new Set<string>();
  let timeWait = 0;
  let tcpTotal = 0;
  let udpUnconnectedInRange = 0;

  for (const s of census.sockets) {
    const states = byState[s.protocol];
    states[s.state] = (states[s.state] ?? 0) + 1;
    if (s.protocol === 'tcp') {
      tcpTotal++;
      if (s.state === 'TIME_WAIT') timeWait++;
      if (s.state === 'LISTEN') {
        listenKeys.add(`${s.localAddress} ${s.localPort}`);
        if (inRange(s.localPort)) listeners.push(s);
      }
      if (s.state === 'CLOSE' || s.state === 'BOUND') boundInactive.push(s);
      if (s.state === 'LISTEN' || s.state === 'CLOSE' || s.state === 'BOUND') {
        if (inRange(s.localPort)) bindHeld.add(s.localPort);
      }
      if (inRange(s.localPort)) tcpPorts.add(s.localPort);
    } else {
      if (inRange(s.localPort)) {
        udpPorts.add(s.localPort);
        if (s.state === 'UNCONN') udpUnconnectedInRange++;
      }
    }
  }

  // An accepted connection has the local port of a listener on its own address or a wildcard; a dual-stack `::`
  // listener's IPv4 clients appear as IPv6 sockets with `::ffff:` addresses, so both wildcards are checked.
  const isServerSide = (s: SocketEntry) =>
    listenKeys.has(`${s.localAddress} ${s.localPort}`) ||
    listenKeys.has(`0.0.0.0 ${s.localPort}`) ||
    listenKeys.has(`:: ${s.localPort}`);

  const groups = new Map<string, { sample: SocketEntry; used: number; timeWait: number }>();
  for (const s of census.sockets) {
    if (s.protocol !== 'tcp' || CLOSED_STATES.has(s.state) || !inRange(s.localPort) || isServerSide(s)) continue;
    const key = `${s.localAddress}|${s.remoteAddress}|${s.remotePort}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { sample: s, used: 0, timeWait: 0 }));
    g.used++;
    if (s.state === 'TIME_WAIT') g.timeWait++;
  }
  const { usablePorts: capacity, guaranteed } = connectionCapacity({ range, reserved, bound: PortSet.fromPorts(bindHeld) });
  const destinations: DestinationUsage[] = [...groups.values()].map(({ sample, used, timeWait: tw }) => ({
    localAddress: sample.localAddress,
    remoteAddress: sample.remoteAddress,
    remotePort: sample.remotePort,
    used,
    timeWait: tw,
    capacity,
    guaranteed,
    pressure: capacity > 0 ? used / capacity : Infinity,
  }));
  destinations.sort((a, b) => b.pressure - a.pressure || b.used - a.used);

  const usableSize = rangeSize(range) - reservedInRange;
  const anyPorts = new Set<number>([...tcpPorts, ...udpPorts]);
  const report: UsageReport = {
    range: { low: range.low, high: range.high },
    usableSize,
    reservedInRange,
    source: census.source,
    total: census.sockets.length,
    byState,
    portsInUse: { tcp: tcpPorts.size, udp: udpPorts.size, any: anyPorts.size },
    rangePressure: usableSize > 0 ? anyPorts.size / usableSize : Infinity,
    timeWait: { count: timeWait, share: tcpTotal > 0 ? timeWait / tcpTotal : 0 },
    destinations,
    boundInactive,
    udpUnconnectedInRange,
    listenersInRange: listeners.sort((a, b) => a.localPort - b.localPort),
  };
  if (census.fallbackReason !== undefined) report.fallbackReason = census.fallbackReason;
  return report;
}
