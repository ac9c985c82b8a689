/**
 * The census part of the Linux addon's exports (native/linux/census.cc). The record layout mirrors
 * `native/linux/census_records.h`; keep both in step.
 */
export interface NativeCensusRequest {
  /** Network namespace path; omitted = the caller's namespace. */
  netns?: string;
  tcp: boolean;
  udp: boolean;
  v4: boolean;
  v6: boolean;
  /** Also count for the usage reports (native/linux/census_aggregate.h). */
  aggregate?: boolean;
}

/** The census with its counts, as census.cc hands them over (`aggregate: true`). */
export interface NativeAggregate {
  /** Every socket, as with `aggregate` unset. */
  records: ArrayBuffer;
  /** Sockets per (protocol, kernel state): index `state` for TCP, `256 + state` for UDP. */
  states: Uint32Array;
  /** The indexes of `states` in the order they first appear in the census. */
  stateOrder: Uint16Array;
  /** Sockets per local port: TCP, UDP, UDP unconnected, 65536 uint32 each (host byte order). */
  ports: ArrayBuffer;
  /** Records of the TCP sockets that are listening or bound only, in census order. */
  bound: ArrayBuffer;
  /** One record (family, addresses, remote port) per destination of the outgoing connections. */
  destinations: ArrayBuffer;
  connectionDestination: Uint32Array;
  connectionPort: Uint16Array;
  connectionTimeWait: Uint8Array;
}

export interface CensusNative {
  /**
   * Every selected socket by NETLINK_SOCK_DIAG, as fixed-size records (see {@link RECORD}); with `aggregate`, also
   * the counts. Rejects with an Error carrying code/errno/syscall/path, or an ERR_EPHEMERAL_* code for a condition
   * that is no syscall's failure. An addon built before `aggregate` existed ignores it and returns the records.
   */
  census(request: NativeCensusRequest & { aggregate: true }): Promise<NativeAggregate | ArrayBuffer>;
  census(request: NativeCensusRequest): Promise<ArrayBuffer>;
  censusRecordSize: number;
}

/** Byte offsets inside one record (little-endian). */
export const RECORD = {
  size: 48,
  protocol: 0,
  family: 1,
  state: 2,
  localPort: 4,
  remotePort: 6,
  inode: 8,
  uid: 12,
  localAddress: 16,
  remoteAddress: 32,
} as const;

/** True when an addon's exports carry a census of the layout this package understands. */
export function hasCensus(exports: unknown): exports is CensusNative {
  if (typeof exports !== 'object' || exports === null) return false;
  const e = exports as Partial<Record<keyof CensusNative, unknown>>;
  return typeof e.census === 'function' && e.censusRecordSize === RECORD.size;
}
