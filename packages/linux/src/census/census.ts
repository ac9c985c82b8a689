/**
 * The Linux socket census: NETLINK_SOCK_DIAG through the addon, else /proc/net/* when the addon is missing or the
 * kernel or a sandbox refuses netlink. `source` says which, and `fallbackReason` marks the /proc listing (which
 * cannot see bound-only TCP sockets), so a caller never mistakes one for the other. docs/census.md says why there
 * is no other method.
 */
import {
  CENSUS_METHODS,
  EphemeralPortsError,
  ErrorCodes,
  PROTOCOLS,
  checkNetnsPath,
  invalidArgType,
  invalidArgValue,
  isEphemeralPortsError,
  type CensusOptions,
  type SocketCensus,
} from '@ephemeral-ports/core';
import { toOsError } from '../os-error.js';
import { censusRemedy, inNetns } from '../remedy.js';
import { decodeRecords, nativeRequest } from './decode.js';
import type { CensusNative } from './native-census.js';
import { attachOwners } from './processes.js';
import { procfsCensus } from './procfs.js';

export const NETLINK_SOURCE = 'netlink:sock_diag';
export const PROCFS_SOURCE = 'procfs:/proc/net';

/** What `socket()` or the dump fails with where this kernel or sandbox has no usable sock_diag: `auto` falls back. */
const NETLINK_UNAVAILABLE: Readonly<Record<string, ReadonlySet<string>>> = {
  socket: new Set(['EPROTONOSUPPORT', 'EAFNOSUPPORT', 'EACCES', 'EPERM']),
  sock_diag: new Set(['ENOENT', 'EOPNOTSUPP']),
};

export type CensusFunction = (options?: CensusOptions) => Promise<SocketCensus>;

export function validateCensusOptions(options: unknown): CensusOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalidArgType('options', 'an object', options);
  const o = options as Record<string, unknown>;
  if (o.protocols !== undefined) {
    if (!Array.isArray(o.protocols)) throw invalidArgType('options.protocols', `an array of ${PROTOCOLS.join('/')}`, o.protocols);
    if (o.protocols.some((p) => !PROTOCOLS.includes(p as 'tcp'))) {
      throw invalidArgValue('options.protocols', o.protocols, `must list only ${PROTOCOLS.join('/')}`);
    }
  }
  if (o.families !== undefined) {
    if (!Array.isArray(o.families)) throw invalidArgType('options.families', 'an array of 4 and/or 6', o.families);
    if (o.families.some((f) => f !== 4 && f !== 6)) throw invalidArgValue('options.families', o.families, 'must list only 4 and/or 6');
  }
  checkNetnsPath(o.netns);
  if (o.processes !== undefined && typeof o.processes !== 'boolean') throw invalidArgType('options.processes', 'a boolean', o.processes);
  if (o.method !== undefined && !CENSUS_METHODS.includes(o.method as 'auto')) {
    throw invalidArgValue('options.method', o.method, `must be one of ${CENSUS_METHODS.join(', ')}`);
  }
  return o as CensusOptions;
}

/** An error from the addon's census in this project's vocabulary, with a remedy that fits what failed. */
export function censusError(error: unknown, netns: string | undefined): unknown {
  const converted = toOsError(error, inNetns(netns, censusRemedy), 'socket census failed: ');
  if (converted === error && !isEphemeralPortsError(error)) {
    // Nothing the addon documents (no code): a bug, not an OS failure; no errno is invented for it.
    return new EphemeralPortsError(ErrorCodes.INTERNAL, `socket census failed: ${String((error as Error)?.message ?? error)}`, { cause: error });
  }
  return converted;
}

/**
 * Builds the census. `native` is the loaded addon (or null, with `unavailableReason`, when it could not be
 * loaded); the procfs reader covers that case.
 */
export function createLinuxCensus(native: CensusNative | null, unavailableReason = 'native addon not loaded'): CensusFunction {
  const procfs = async (options: CensusOptions, fallbackReason: string): Promise<SocketCensus> => ({
    sockets: await procfsCensus(options),
    source: PROCFS_SOURCE,
    fallbackReason,
  });

  const viaAddon = async (addon: CensusNative, options: CensusOptions): Promise<SocketCensus> => {
    try {
      return { sockets: decodeRecords(await addon.census(nativeRequest(options))), source: NETLINK_SOURCE };
    } catch (error) {
      const failure = censusError(error, options.netns);
      const { code, syscall } = failure as { code?: string; syscall?: string };
      const unavailable = syscall !== undefined && code !== undefined && NETLINK_UNAVAILABLE[syscall]?.has(code) === true;
      if (options.method === 'netlink' || !unavailable) throw failure;
      return procfs(options, `sock_diag unavailable: ${code} from ${syscall}`);
    }
  };

  const list = (options: CensusOptions): Promise<SocketCensus> => {
    const method = options.method ?? 'auto';
    if (method === 'procfs') return procfs(options, 'method "procfs" was requested');
    if (native) return viaAddon(native, options);
    if (method === 'netlink') {
      throw new EphemeralPortsError(ErrorCodes.UNSUPPORTED_OPERATION, `census method "netlink" is unavailable: ${unavailableReason}`, {
        remedy: 'Use method "auto" to fall back to /proc/net, or install the package with its addon.',
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
