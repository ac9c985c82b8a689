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
  /** Also find the owning processes through /proc/<pid>/fd and count per process (native/linux/census_owners.h). */
  owners?: boolean;
}

/** The owning processes of a census (`owners: true`), found and counted in C++. */
export interface NativeOwners {
  pids: Uint32Array;
  /** /proc/<pid>/comm of each process. */
  commands: string[];
  /** Per process, OWNER_COUNTS.size uint32 in OWNER_COUNTS order. */
  counts: Uint32Array;
  /** Per census record: the index of its owner in `pids`, or NO_OWNER. */
  recordOwner: Uint32Array;
}

/** Layout of NativeOwners.counts (native/linux/census_owners.h, enum OwnerCount). */
export const OWNER_COUNTS = { size: 4, tcp: 0, udp: 1, listening: 2, established: 3 } as const;
export const NO_OWNER = 0xffffffff;

/** `owners: true` without `aggregate`. */
export interface NativeOwnedRecords {
  records: ArrayBuffer;
  owners: NativeOwners;
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
  /** Per record of `bound`, its index among `records`. */
  boundRecord: Uint32Array;
  /** With `owners: true`. */
  owners?: NativeOwners;
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
   * that is no syscall's failure. An addon built before `aggregate` existed ignores it and returns the records;
   * one built before `owners` existed returns no `owners`.
   */
  census(request: NativeCensusRequest & { aggregate: true }): Promise<NativeAggregate | ArrayBuffer>;
  census(request: NativeCensusRequest & { owners: true }): Promise<NativeOwnedRecords | ArrayBuffer>;
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
