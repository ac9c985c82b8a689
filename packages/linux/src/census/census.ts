/**
 * The Linux socket census: NETLINK_SOCK_DIAG through the addon, or /proc/net/* when the addon or the netlink
 * family is unavailable — `source` and `fallbackReason` say which, so a caller never mistakes one for the other.
 */
import {
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
 * Builds the census. `native` is the loaded addon (or null, with `unavailableReason`, when it could not be
 * loaded); the procfs reader covers that case.
 */
export function createLinuxCensus(native: CensusNative | null, unavailableReason = 'native addon not loaded'): CensusFunction {
  return async (input?: CensusOptions): Promise<SocketCensus> => {
    const options = validateCensusOptions(input);
    let sockets: SocketEntry[];
    let source = NETLINK_SOURCE;
    let fallbackReason: string | undefined;
    if (native) {
      try {
        sockets = decodeRecords(await native.sockDiagCensus(nativeRequest(options)));
      } catch (error) {
        const failure = censusOsError(error, options.netns);
        if (failure.syscall !== 'sock_diag' && failure.syscall !== 'socket') throw failure;
        if (!NETLINK_UNAVAILABLE.has(failure.code)) throw failure;
        source = PROCFS_SOURCE;
        fallbackReason = `sock_diag unavailable: ${failure.code} from ${failure.syscall}`;
        sockets = await procfsCensus(options);
      }
    } else {
      source = PROCFS_SOURCE;
      fallbackReason = unavailableReason;
      sockets = await procfsCensus(options);
    }
    if (options.processes) attachOwners(sockets);
    return fallbackReason === undefined ? { sockets, source } : { sockets, source, fallbackReason };
  };
}
