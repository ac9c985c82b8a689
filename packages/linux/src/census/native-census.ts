/**
 * The census part of the Linux addon's exports (native/linux/sock_diag.cc). The record layout mirrors
 * `sock_diag.h`; keep both in step.
 */
export interface SockDiagRequest {
  /** Network namespace path; omitted = the caller's namespace. */
  netns?: string;
  tcp: boolean;
  udp: boolean;
  v4: boolean;
  v6: boolean;
}

export interface CensusNative {
  /** Resolves with fixed-size records (see {@link RECORD}); rejects with an Error carrying code/errno/syscall/path. */
  sockDiagCensus(request: SockDiagRequest): Promise<ArrayBuffer>;
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
  return typeof e.sockDiagCensus === 'function' && e.censusRecordSize === RECORD.size;
}
