/** The socket census shape shared by the Linux (sock_diag) and Windows (GetExtended*Table) backends. */
import type { Protocol } from './platform.js';

/** TCP states by their Linux names; `BOUND` is Windows' bound-not-connected state; UDP uses `UNCONN`/`ESTABLISHED`. */
export type SocketState =
  | 'ESTABLISHED'
  | 'SYN_SENT'
  | 'SYN_RECV'
  | 'FIN_WAIT1'
  | 'FIN_WAIT2'
  | 'TIME_WAIT'
  | 'CLOSE'
  | 'CLOSE_WAIT'
  | 'LAST_ACK'
  | 'LISTEN'
  | 'CLOSING'
  | 'NEW_SYN_RECV'
  | 'BOUND'
  | 'UNCONN';

export interface SocketEntry {
  protocol: Protocol;
  family: 4 | 6;
  state: SocketState;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** Socket inode (Linux) when known. */
  inode?: number;
  uid?: number;
  /** Owning process, when asked for and permitted. */
  pid?: number;
  command?: string;
}

/**
 * How a Linux census lists sockets. `auto` (the default): NETLINK_SOCK_DIAG, else /proc/net when the kernel or a
 * sandbox refuses netlink or no addon loaded (the census then says why in `fallbackReason`). `netlink` and `procfs`
 * insist on one and fail with its error instead of falling back.
 */
export type CensusMethod = 'auto' | 'netlink' | 'procfs';

export const CENSUS_METHODS: readonly CensusMethod[] = ['auto', 'netlink', 'procfs'];

export interface CensusOptions {
  protocols?: readonly Protocol[];
  families?: readonly (4 | 6)[];
  /** Resolve owning processes (slower; may need privileges). */
  processes?: boolean;
  /** Linux: network namespace path. */
  netns?: string;
  /** Linux: which kernel interface lists the sockets (see {@link CensusMethod}); other platforms ignore it. */
  method?: CensusMethod;
  /**
   * Also count what the reports need ({@link SocketCensus.aggregate}). Where the backend counts natively (the Linux
   * addon), the per-socket `sockets` list is then built only when first read; backends without it ignore the flag.
   */
  aggregate?: boolean;
}

export interface SocketCensus {
  sockets: SocketEntry[];
  /** How the sockets were listed, e.g. `netlink:sock_diag`, `procfs:/proc/net`, `iphlpapi`. */
  source: string;
  /** Why a fallback was used, when it was. */
  fallbackReason?: string;
  /** The counts the reports need, when asked for with `aggregate: true` and the backend counts natively. */
  aggregate?: CensusAggregate;
}

/** A destination of outgoing TCP connections: connect() runs out of ports per (local address, remote address:port). */
export interface DestinationKey {
  localAddress: string;
  remoteAddress: string;
  remotePort: number;
}

/**
 * Outgoing TCP connections: every TCP socket that is neither listening nor merely bound (LISTEN, CLOSE, BOUND) nor
 * the accepted end of a listener of the same census. Per connection, in census order, three parallel arrays.
 */
export interface OutgoingConnections {
  /** Distinct destinations, in the order of their first connection. */
  destinations: DestinationKey[];
  /** Index into `destinations`. */
  destination: Uint32Array;
  localPort: Uint16Array;
  /** 1 when the connection is in TIME_WAIT. */
  timeWait: Uint8Array;
}

/**
 * What the usage reports need of a census, without one object per socket: counts per state, per local port and
 * per destination. The Linux addon builds it in C++; {@link aggregateSockets} builds the same from a socket list.
 */
/** Sockets of one owning process in a census. */
export interface ProcessUsage {
  pid: number;
  /** The process's command name (Linux: /proc/<pid>/comm). */
  command: string;
  tcp: number;
  udp: number;
  /** TCP sockets in LISTEN. */
  listening: number;
  /** TCP sockets in ESTABLISHED. */
  established: number;
}

export interface CensusAggregate {
  /** Sockets counted. */
  total: number;
  /** Sockets per protocol and state; states in the order they first appear in the census. */
  byState: Record<Protocol, Partial<Record<SocketState, number>>>;
  /** Sockets per local port (index = port number): all TCP, all UDP, and UDP in UNCONN. */
  localPorts: { tcp: Uint32Array; udp: Uint32Array; udpUnconnected: Uint32Array };
  /** TCP sockets holding a port without a connection (LISTEN, CLOSE, BOUND), in census order. */
  bound: SocketEntry[];
  outgoing: OutgoingConnections;
  /** Sockets per owning process, most first, where the backend counted them (`processes: true`; Linux addon). */
  processes?: ProcessUsage[];
}

/** TCP states of a socket that holds a port without a connection. */
export const BOUND_STATES: ReadonlySet<SocketState> = new Set<SocketState>(['LISTEN', 'CLOSE', 'BOUND']);

const PORTS = 65536;

/**
 * The {@link CensusAggregate} of a socket list: for censuses listed in JavaScript (the /proc fallback, Windows), and
 * the reference the native counts are tested against. An accepted connection has the local port of a listener on
 * its own address or a wildcard; a dual-stack `::` listener's IPv4 clients appear as IPv6 sockets with `::ffff:`
 * addresses, so both wildcards count.
 */
export function aggregateSockets(sockets: readonly SocketEntry[]): CensusAggregate {
  const byState: CensusAggregate['byState'] = { tcp: {}, udp: {} };
  const localPorts = { tcp: new Uint32Array(PORTS), udp: new Uint32Array(PORTS), udpUnconnected: new Uint32Array(PORTS) };
  const bound: SocketEntry[] = [];
  const listenKeys = new Set<string>();
  const bump = (counts: Uint32Array, port: number) => (counts[port] = counts[port]! + 1);
  for (const s of sockets) {
    const states = byState[s.protocol];
    states[s.state] = (states[s.state] ?? 0) + 1;
    if (s.protocol === 'tcp') {
      bump(localPorts.tcp, s.localPort);
      if (BOUND_STATES.has(s.state)) bound.push(s);
      if (s.state === 'LISTEN') listenKeys.add(`${s.localAddress} ${s.localPort}`);
    } else {
      bump(localPorts.udp, s.localPort);
      if (s.state === 'UNCONN') bump(localPorts.udpUnconnected, s.localPort);
    }
  }
  const isServerSide = (s: SocketEntry) =>
    listenKeys.has(`${s.localAddress} ${s.localPort}`) || listenKeys.has(`0.0.0.0 ${s.localPort}`) || listenKeys.has(`:: ${s.localPort}`);
  const index = new Map<string, number>();
  const destinations: DestinationKey[] = [];
  const destination: number[] = [];
  const localPort: number[] = [];
  const timeWait: number[] = [];
  for (const s of sockets) {
    if (s.protocol !== 'tcp' || BOUND_STATES.has(s.state) || s.state === 'UNCONN' || isServerSide(s)) continue;
    const key = `${s.localAddress}|${s.remoteAddress}|${s.remotePort}`;
    let d = index.get(key);
    if (d === undefined) {
      index.set(key, (d = destinations.length));
      destinations.push({ localAddress: s.localAddress, remoteAddress: s.remoteAddress, remotePort: s.remotePort });
    }
    destination.push(d);
    localPort.push(s.localPort);
    timeWait.push(s.state === 'TIME_WAIT' ? 1 : 0);
  }
  return {
    total: sockets.length,
    byState,
    localPorts,
    bound,
    outgoing: { destinations, destination: Uint32Array.from(destination), localPort: Uint16Array.from(localPort), timeWait: Uint8Array.from(timeWait) },
  };
}
