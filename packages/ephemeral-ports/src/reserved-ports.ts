/**
 * Reserved ports: Linux `ip_local_reserved_ports` (skipped by automatic assignment, still bindable explicitly) and
 * Windows excluded port ranges (not bindable at all). Other OSes have no such list (`ERR_EPHEMERAL_UNSUPPORTED_OPERATION`).
 */
import {
  type PortRange,
  PortSet,
  type Protocol,
  type TargetOs,
  assertValidPortList,
  checkBoolean,
  checkNetnsPath,
  invalidArgType,
  parsePortListArgument,
} from '@ephemeral-ports/core';
import { getBackend } from './backend.js';
import { checkOptions, checkProtocol, scopeOf } from './options.js';

export interface ReservedQueryOptions {
  /** Windows keeps excluded ranges per protocol (default tcp); Linux has one list for all protocols. */
  protocol?: Protocol;
  /** Linux: network namespace path. */
  netns?: string;
}

export interface ReservedPortsReport {
  platform: TargetOs;
  /** `reserved` (Linux) or `excluded` (Windows). */
  kind: 'reserved' | 'excluded';
  ports: PortSet;
  /** Number of ports in `ports`. */
  count: number;
  source: string;
  netns?: string;
}

export interface ReservedChangeReport {
  platform: TargetOs;
  dryRun: boolean;
  previous: PortSet;
  /** Live value after (equals `previous` on dry run). */
  current: PortSet;
  requested: PortSet;
  added: PortSet;
  removed: PortSet;
  netns?: string;
}

export interface SetReservedOptions extends ReservedQueryOptions {
  dryRun?: boolean;
}

/** What callers may pass as a port list: a PortSet, numbers / {low, high} objects, or text like `8080,9000-9100`. */
export type PortListInput = PortSet | ReadonlyArray<number | PortRange> | string;

/**
 * Reads the reserved (Linux) or excluded (Windows) ports.
 *
 * @throws `ERR_EPHEMERAL_UNSUPPORTED_OPERATION` on OSes without such a list.
 * @example
 * ```ts
 * import { getReservedPorts } from 'ephemeral-ports';
 * const { ports } = await getReservedPorts();
 * ports.has(8080); // true when 8080 is reserved
 * ```
 */
export async function getReservedPorts(given?: ReservedQueryOptions): Promise<ReservedPortsReport> {
  const options = checkOptions(given);
  const netns = checkNetnsPath(options.netns);
  const backend = getBackend();
  const reading = await backend.getReserved(scopeOf(checkProtocol(options.protocol), netns));
  return {
    platform: backend.os,
    kind: reading.kind,
    ports: reading.ports,
    count: reading.ports.size,
    source: reading.source,
    ...(netns === undefined ? {} : { netns }),
  };
}

/**
 * Replaces the whole reserved-ports list (that is how the kernel setting works). An empty list clears it.
 *
 * @throws `ERR_INVALID_ARG_TYPE` / `ERR_INVALID_ARG_VALUE` for bad arguments, `ERR_EPHEMERAL_INVALID_PORT_LIST` (nothing changed),
 * `ERR_EPHEMERAL_UNSUPPORTED_OPERATION`, OS errors (`EACCES`, ...).
 * @example
 * ```ts
 * import { setReservedPorts } from 'ephemeral-ports';
 * await setReservedPorts('8080,9000-9100');           // or [8080, { low: 9000, high: 9100 }]
 * const plan = await setReservedPorts([], { dryRun: true }); // what clearing would remove
 * ```
 */
export async function setReservedPorts(
  ports: PortListInput,
  given?: SetReservedOptions,
): Promise<ReservedChangeReport> {
  const options = checkOptions(given);
  const netns = checkNetnsPath(options.netns);
  if (options.dryRun !== undefined) checkBoolean('options.dryRun', options.dryRun);
  const requested = toPortSet(ports);
  const backend = getBackend();
  const scope = scopeOf(checkProtocol(options.protocol), netns);
  const previous = (await backend.getReserved(scope)).ports;
  const current = options.dryRun ? previous : (await backend.setReserved(requested, scope)).current;
  return {
    platform: backend.os,
    dryRun: options.dryRun === true,
    previous,
    current,
    requested,
    added: requested.subtract(previous),
    removed: previous.subtract(requested),
    ...(netns === undefined ? {} : { netns }),
  };
}

/**
 * A port list as a PortSet; text is read by core's parsePortListArgument (`,` or whitespace between entries,
 * `-` in ranges, `none` or `` = empty). Throws `ERR_EPHEMERAL_INVALID_PORT_LIST` with every bad entry,
 * `ERR_INVALID_ARG_TYPE` for something that is no list at all.
 *
 * @example
 * ```ts
 * toPortSet('8080, 9000-9100').size; // 102
 * ```
 */
export function toPortSet(input: PortListInput): PortSet {
  if (typeof input === 'string') return parsePortListArgument(input);
  if (!(input instanceof PortSet) && !Array.isArray(input)) {
    throw invalidArgType('ports', 'a PortSet, an array of ports and {low, high} objects, or a string', input);
  }
  return assertValidPortList(input);
}
