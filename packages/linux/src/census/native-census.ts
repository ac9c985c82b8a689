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
}

export interface CensusNative {
  /**
   * Every selected socket by NETLINK_SOCK_DIAG, as fixed-size records (see {@link RECORD}). Rejects with an Error
   * carrying code/errno/syscall/path, or an ERR_EPHEMERAL_* code for a condition that is no syscall's failure.
   */
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
