/**
 * The census part of the Linux addon's exports (native/linux/census.cc). The record layout mirrors
 * `native/linux/census_records.h`; keep both in step.
 */
export interface NativeCensusRequest {
  /** `auto`: the BPF method from `bpfMinSockets` sockets on when it can run, else sock_diag. */
  method: 'auto' | 'bpf' | 'netlink';
  /** Network namespace path; omitted = the caller's namespace. */
  netns?: string;
  tcp: boolean;
  udp: boolean;
  v4: boolean;
  v6: boolean;
  /** BPF: follow each socket to its inode (slower; owners are found by inode). Without it, records carry 0. */
  inodes: boolean;
  /** auto: the socket count (from /proc/net/sockstat) from which the BPF method pays for its fixed cost. */
  bpfMinSockets: number;
  /** BPF: TCP by the hash-table walk where the kernel allows it (default true); false takes the TCP iterator. */
  walk?: boolean;
}

export interface NativeCensusResult {
  /** Fixed-size records, see {@link RECORD}. */
  records: ArrayBuffer;
  method: 'bpf' | 'netlink';
  /** BPF: the TCP sockets came from the hash-table walk (native/linux/bpf_walk.h), not the iterator. */
  walked: boolean;
}

export interface CensusNative {
  /** Rejects with an Error carrying code/errno/syscall/path (and a remedy where one helps). */
  census(request: NativeCensusRequest): Promise<NativeCensusResult>;
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
