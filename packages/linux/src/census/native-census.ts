/**
 * The census part of the Linux addon's exports (native/linux/census.cc). The record layout mirrors
 * `native/linux/census_records.h`; keep both in step.
 */
export interface SockDiagRequest {
  /** Network namespace path; omitted = the caller's namespace. */
  netns?: string;
  tcp: boolean;
  udp: boolean;
  v4: boolean;
  v6: boolean;
}

export interface BpfIterRequest extends SockDiagRequest {
  /** Follow each socket to its inode (slower; needed to find owning processes). Without it, records carry 0. */
  inodes: boolean;
}

export interface CensusNative {
  /** Resolves with fixed-size records (see {@link RECORD}); rejects with an Error carrying code/errno/syscall/path. */
  sockDiagCensus(request: SockDiagRequest): Promise<ArrayBuffer>;
  /**
   * The same records from BPF socket iterators (needs CAP_BPF + CAP_PERFMON, kernel BTF); bound-only TCP sockets
   * still come from sock_diag. Absent from addons built before it existed.
   */
  bpfIterCensus?(request: BpfIterRequest): Promise<ArrayBuffer>;
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
