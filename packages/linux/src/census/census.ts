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
  type SocketEntry,
} from '@ephemeral-ports/core';
import { decodeRecords, nativeRequest } from './decode.js';
import type { CensusNative } from './native-census.js';
import { attachOwners } from './processes.js';
import { procfsCensus } from './procfs.js';

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

/** True when the failure is about the namespace the caller named, which every method would hit alike. */
function isNamespaceFailure(failure: EphemeralPortsError, netns: string | undefined): boolean {
  return netns !== undefined && failure.path === netns && (failure.syscall === 'open' || failure.syscall === 'setns');
}

interface Listing {
  sockets: SocketEntry[];
  source: string;
  fallbackReason?: string;
}

/**
 * Builds the census. `native` is the loaded addon (or null, with `unavailableReason`, when it could not be
 * loaded); the procfs reader covers that case.
 */
export function createLinuxCensus(native: CensusNative | null, unavailableReason = 'native addon not loaded'): CensusFunction {
  const procfs = async (options: CensusOptions, fallbackReason: string): Promise<Listing> => ({
    sockets: await procfsCensus(options),
    source: PROCFS_SOURCE,
    fallbackReason,
  });
  const unsupported = (method: string, why: string) =>
    new EphemeralPortsError(ErrorCodes.UNSUPPORTED_OPERATION, `census method "${method}" is unavailable: ${why}`, {
      remedy: 'Use method "auto" to take the best available one.',
    });

  const viaNetlink = async (addon: CensusNative, options: CensusOptions): Promise<Listing> => {
    try {
      return { sockets: decodeRecords(await addon.sockDiagCensus(nativeRequest(options))), source: NETLINK_SOURCE };
    } catch (error) {
      const failure = censusOsError(error, options.netns);
      const unavailable = (failure.syscall === 'sock_diag' || failure.syscall === 'socket') && NETLINK_UNAVAILABLE.has(failure.code);
      if (options.method === 'netlink' || !unavailable) throw failure;
      return procfs(options, `sock_diag unavailable: ${failure.code} from ${failure.syscall}`);
    }
  };

  // The BPF iterators, or null when they cannot run here (no privilege, no BTF, old kernel): then netlink, which
  // lists the same sockets, so that is no fallback a caller needs to hear about.
  const viaBpf = async (addon: CensusNative, options: CensusOptions): Promise<Listing | null> => {
    if (!addon.bpfIterCensus) {
      if (options.method === 'bpf') throw unsupported('bpf', 'the loaded addon predates the BPF census');
      return null;
    }
    const inodes = options.processes === true;  // owners are found by socket inode
    try {
      const records = await addon.bpfIterCensus({ ...nativeRequest(options), inodes });
      return { sockets: decodeRecords(records, { inodes }), source: BPF_SOURCE };
    } catch (error) {
      const failure = censusOsError(error, options.netns);
      if (options.method === 'bpf' || isNamespaceFailure(failure, options.netns)) throw failure;
      return null;
    }
  };

  const list = async (options: CensusOptions): Promise<Listing> => {
    const method = options.method ?? 'auto';
    if (method === 'procfs') return procfs(options, 'method "procfs" was requested');
    if (!native) {
      if (method !== 'auto') throw unsupported(method, unavailableReason);
      return procfs(options, unavailableReason);
    }
    if (method !== 'netlink') {
      const listed = await viaBpf(native, options);
      if (listed) return listed;
    }
    return viaNetlink(native, options);
  };

  return async (input?: CensusOptions): Promise<SocketCensus> => {
    const options = validateCensusOptions(input);
    const { sockets, source, fallbackReason } = await list(options);
    if (options.processes) attachOwners(sockets);
    return fallbackReason === undefined ? { sockets, source } : { sockets, source, fallbackReason };
  };
}
