/**
 * The Linux socket census, through the addon: BPF socket iterators where permitted (about twice as fast as
 * netlink at scale), else NETLINK_SOCK_DIAG; /proc/net/* when the addon or the netlink family is unavailable.
 * `source` says which, and `fallbackReason` marks the incomplete /proc listing, so a caller never mistakes one
 * for the other. Both addon methods list the same sockets (test/census checks each against `ss`).
 */
import {
  CENSUS_METHODS,
  EphemeralPortsError,
  ErrorCodes,
  PROTOCOLS,
  type CensusOptions,
  type SocketCensus,
} from '@ephemeral-ports/core';
import { decodeRecords, nativeRequest } from './decode.js';
import type { CensusNative } from './native-census.js';
import { attachOwners } from './processes.js';
import { procfsCensus } from './procfs.js';

/** TCP by a walk of the kernel's hash tables from one BPF program (Linux >= 6.15), UDP by its iterator. */
export const BPF_WALK_SOURCE = 'bpf:walk';
/** TCP and UDP by the BPF socket iterators, with a sock_diag dump for bound-only TCP sockets. */
export const BPF_SOURCE = 'bpf:iter';
export const NETLINK_SOURCE = 'netlink:sock_diag';
export const PROCFS_SOURCE = 'procfs:/proc/net';

/** errno names that mean "this kernel/sandbox has no usable sock_diag": worth the /proc fallback. */
const NETLINK_UNAVAILABLE = new Set(['EPROTONOSUPPORT', 'EAFNOSUPPORT', 'ENOENT', 'EOPNOTSUPP', 'EACCES', 'EPERM']);

export type CensusFunction = (options?: CensusOptions) => Promise<SocketCensus>;

export function validateCensusOptions(options: unknown): CensusOptions {
  if (options === undefined) return {};
  const bad = (message: string) => new EphemeralPortsError(ErrorCodes.INVALID_ARGUMENT, `census options: ${message}`);
  if (typeof options !== 'object' || options === null) throw bad('must be an object');
  const o = options as Record<string, unknown>;
  if (o.protocols !== undefined) {
    if (!Array.isArray(o.protocols) || o.protocols.some((p) => !PROTOCOLS.includes(p as 'tcp'))) {
      throw bad(`protocols must be a list of ${PROTOCOLS.join('/')}`);
    }
  }
  if (o.families !== undefined) {
    if (!Array.isArray(o.families) || o.families.some((f) => f !== 4 && f !== 6)) throw bad('families must be a list of 4 and/or 6');
  }
  if (o.netns !== undefined && (typeof o.netns !== 'string' || !o.netns.startsWith('/'))) {
    throw bad('netns must be an absolute path such as /proc/<pid>/ns/net or /run/netns/<name>');
  }
  if (o.processes !== undefined && typeof o.processes !== 'boolean') throw bad('processes must be a boolean');
  if (o.method !== undefined && !CENSUS_METHODS.includes(o.method as 'auto')) throw bad(`method must be one of ${CENSUS_METHODS.join(', ')}`);
  return o as CensusOptions;
}

/** An OS error from the addon (Error with code/errno/syscall/path) as an EphemeralPortsError with a remedy. */
export function censusOsError(error: unknown, netns: string | undefined): EphemeralPortsError {
  const e = error as { code?: unknown; errno?: unknown; syscall?: unknown; path?: unknown; remedy?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : 'EIO';
  const syscall = typeof e.syscall === 'string' ? e.syscall : 'sock_diag';
  const path = typeof e.path === 'string' ? e.path : undefined;
  let remedy = typeof e.remedy === 'string' && e.remedy ? e.remedy : 'Retry; if it persists, the kernel refused the socket dump (see errno).';
  if (typeof e.remedy === 'string' && e.remedy) {
    // the addon already said what to do
  } else if (syscall === 'open') remedy = `Check that the namespace path exists (${netns ?? path ?? ''}), e.g. /proc/<pid>/ns/net or /run/netns/<name>.`;
  else if (syscall === 'setns') remedy = 'Entering another network namespace needs CAP_SYS_ADMIN (run as root) and a net namespace file.';
  return new EphemeralPortsError(code, `socket census failed: ${String(e.message ?? error)}`, {
    ...(typeof e.errno === 'number' ? { errno: e.errno } : {}),
    syscall,
    ...(path === undefined ? {} : { path }),
    remedy,
    cause: error,
  });
}

/**
 * From how many sockets in the namespace `auto` takes the BPF method. Once its programs are loaded the BPF walk is
 * the fastest method at any size (an empty namespace on the bench VM: walk 1.1 ms, sock_diag 1.9 ms, iterators
 * 3.9 ms), but the first BPF census in a process loads and verifies them: ~15-25 ms for the walk, ~5-15 ms for
 * the iterators. A one-shot command (`ephemeral-ports usage`) below ~10,000 sockets is faster with sock_diag.
 */
export const BPF_MIN_SOCKETS = 10_000;

export interface LinuxCensusOptions {
  /** See {@link BPF_MIN_SOCKETS}; tests lower it to exercise `auto` on a small namespace. */
  bpfMinSockets?: number;
  /** false: TCP by the BPF iterator even where the hash-table walk could run (tests and the bench compare them). */
  bpfWalk?: boolean;
}

/**
 * Builds the census. `native` is the loaded addon (or null, with `unavailableReason`, when it could not be
 * loaded); the procfs reader covers that case.
 */
export function createLinuxCensus(
  native: CensusNative | null,
  unavailableReason = 'native addon not loaded',
  { bpfMinSockets = BPF_MIN_SOCKETS, bpfWalk = true }: LinuxCensusOptions = {},
): CensusFunction {
  const procfs = async (options: CensusOptions, fallbackReason: string): Promise<SocketCensus> => ({
    sockets: await procfsCensus(options),
    source: PROCFS_SOURCE,
    fallbackReason,
  });

  const viaAddon = async (addon: CensusNative, options: CensusOptions): Promise<SocketCensus> => {
    const request = bpfWalk ? nativeRequest(options, bpfMinSockets) : { ...nativeRequest(options, bpfMinSockets), walk: false };
    try {
      const { records, method, walked } = await addon.census(request);
      const sockets = decodeRecords(records, { inodes: method === 'netlink' || request.inodes });
      return { sockets, source: method === 'netlink' ? NETLINK_SOURCE : walked ? BPF_WALK_SOURCE : BPF_SOURCE };
    } catch (error) {
      const failure = censusOsError(error, options.netns);
      const unavailable = (failure.syscall === 'sock_diag' || failure.syscall === 'socket') && NETLINK_UNAVAILABLE.has(failure.code);
      if (request.method !== 'auto' || !unavailable) throw failure;
      return procfs(options, `sock_diag unavailable: ${failure.code} from ${failure.syscall}`);
    }
  };

  const list = (options: CensusOptions): Promise<SocketCensus> => {
    const method = options.method ?? 'auto';
    if (method === 'procfs') return procfs(options, 'method "procfs" was requested');
    if (native) return viaAddon(native, options);
    if (method !== 'auto') {
      throw new EphemeralPortsError(ErrorCodes.UNSUPPORTED_OPERATION, `census method "${method}" is unavailable: ${unavailableReason}`, {
        remedy: 'Use method "auto" to take the best available one.',
      });
    }
    return procfs(options, unavailableReason);
  };

  return async (input?: CensusOptions): Promise<SocketCensus> => {
    const options = validateCensusOptions(input);
    const { sockets, source, fallbackReason } = await list(options);
    if (options.processes) attachOwners(sockets);
    return fallbackReason === undefined ? { sockets, source } : { sockets, source, fallbackReason };
  };
}
