/**
 * The Linux socket census: NETLINK_SOCK_DIAG through the addon, else /proc/net/* when the addon is missing or the
 * kernel or a sandbox refuses netlink. `source` says which, and `fallbackReason` marks the /proc listing (which
 * cannot see bound-only TCP sockets), so a caller never mistakes one for the other. docs/census.md says why there
 * is no other method.
 */
import {
  aggregateSockets,
  CENSUS_METHODS,
  EphemeralPortsError,
  ErrorCodes,
  PROTOCOLS,
  checkNetnsPath,
  invalidArgType,
  invalidArgValue,
  isEphemeralPortsError,
  type CensusAggregate,
  type CensusOptions,
  type SocketCensus,
  type SocketEntry,
} from '@ephemeral-ports/core/model';
import { toOsError } from '../os-error.js';
import { censusRemedy, inNetns } from '../remedy.js';
import { decodeAggregate, decodeRecords, nativeRequest } from './decode.js';
import { takeEarlyCensus } from './early.js';
import type { CensusNative, NativeOwners } from './native-census.js';
import { attachNativeOwners, processSockets, type AggregateWithProcesses } from './owners.js';
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
  if (o.aggregate !== undefined && typeof o.aggregate !== 'boolean') throw invalidArgType('options.aggregate', 'a boolean', o.aggregate);
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
 * A census whose `sockets` are built on first read (and kept): a caller that needs only the counts never pays for
 * one object per socket. `owners` names the owners then too (`true`: an older addon, owners found in JS).
 */
function withLazySockets(source: string, aggregate: CensusAggregate, records: ArrayBuffer, owners: NativeOwners | boolean): SocketCensus {
  let sockets: SocketEntry[] | undefined;
  const census = { source, aggregate } as SocketCensus;
  Object.defineProperty(census, 'sockets', {
    enumerable: true,
    configurable: true,
    get(): SocketEntry[] {
      if (sockets === undefined) {
        sockets = decodeRecords(records);
        if (owners === true) attachOwners(sockets);
        else if (owners) attachNativeOwners(sockets, owners);
      }
      return sockets;
    },
    set(value: SocketEntry[]) {
      sockets = value;
    },
  });
  return census;
}

/**
 * The addon's census with its counts and, with `processes`, the owners counted per process in C++
 * (`aggregate.processes`). An addon built before `aggregate` existed returns the records alone; one built before
 * `owners` existed returns no owners, which are then found in JS.
 */
async function aggregateViaAddon(addon: CensusNative, options: CensusOptions): Promise<SocketCensus> {
  const processes = options.processes === true;
  const request = { ...nativeRequest(options), aggregate: true as const, ...(processes ? { owners: true } : {}) };
  const result = await (takeEarlyCensus(addon, request) ?? addon.census(request));
  if (result instanceof ArrayBuffer) {
    const sockets = decodeRecords(result);
    if (processes) attachOwners(sockets);
    return { sockets, source: NETLINK_SOURCE, aggregate: aggregateSockets(sockets) };
  }
  const aggregate: AggregateWithProcesses = decodeAggregate(result);
  const owners = result.owners;
  if (processes && owners) {
    // boundRecord arrived with owners: an addon that has one has the other.
    attachNativeOwners(aggregate.bound, owners, (i) => result.boundRecord[i]!);
    aggregate.processes = processSockets(owners);
  } else if (processes) {
    attachOwners(aggregate.bound);
  }
  return withLazySockets(NETLINK_SOURCE, aggregate, result.records, processes ? (owners ?? true) : false);
}

/** The socket list; owners from the addon when it finds them, else from the JS walk of /proc. */
async function listViaAddon(addon: CensusNative, options: CensusOptions): Promise<SocketEntry[]> {
  if (!options.processes) return decodeRecords(await addon.census(nativeRequest(options)));
  const result = await addon.census({ ...nativeRequest(options), owners: true });
  const records = result instanceof ArrayBuffer ? result : result.records;
  const sockets = decodeRecords(records);
  if (!(result instanceof ArrayBuffer) && result.owners) attachNativeOwners(sockets, result.owners);
  else attachOwners(sockets);
  return sockets;
}

/**
 * Builds the census. `native` is the loaded addon (or null, with `unavailableReason`, when it could not be
 * loaded); the procfs reader covers that case.
 */
export function createLinuxCensus(native: CensusNative | null, unavailableReason = 'native addon not loaded'): CensusFunction {
  const procfs = async (options: CensusOptions, fallbackReason: string): Promise<SocketCensus> => {
    const sockets = await procfsCensus(options);
    if (options.processes) attachOwners(sockets);
    return { sockets, source: PROCFS_SOURCE, fallbackReason };
  };

  const viaAddon = async (addon: CensusNative, options: CensusOptions): Promise<SocketCensus> => {
    try {
      if (options.aggregate) return await aggregateViaAddon(addon, options);
      return { sockets: await listViaAddon(addon, options), source: NETLINK_SOURCE };
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

  return async (input?: CensusOptions): Promise<SocketCensus> => list(validateCensusOptions(input));
}
