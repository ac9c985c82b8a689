/**
 * Shared shape of every port-selection simulator (RFC 6056 algorithms and kernel models): the options they take,
 * and the checks that keep bad input from producing a half-configured simulator.
 */
import { checkInteger, checkObject, invalidArgType } from '../errors.js';
import { type PortRange, PortSet, checkRange } from '../range.js';
import type { ConnectionKey } from './hashing.js';
import { assertSeed } from './prng.js';

/** Is `port` unusable for this connection (already bound or the 4-tuple taken)? */
export type InUsePredicate = (port: number, key: ConnectionKey) => boolean;

export interface SelectorOptions {
  /** The ephemeral range, inclusive (min_ephemeral..max_ephemeral). */
  range: PortRange;
  /** Ports never chosen (Linux ip_local_reserved_ports, Windows excluded ranges). */
  reserved?: PortSet;
  /** Extra unsuitability test, e.g. a port table of the simulated host. Default: nothing is in use. */
  inUse?: InUsePredicate;
  /** Seed of every random choice. Default: an unpredictable seed. */
  seed?: number;
}

/** Something that picks a local port for a connection, or null when every port is unsuitable. */
export interface PortSelector {
  readonly name: string;
  select(key?: ConnectionKey): number | null;
}

export interface CheckedSelectorOptions {
  range: PortRange;
  reserved: PortSet;
  inUse: InUsePredicate | undefined;
  seed: number | undefined;
}

export function checkSelectorOptions(options: SelectorOptions): CheckedSelectorOptions {
  checkObject('options', options);
  const range = checkRange(options.range);
  const reserved = options.reserved ?? PortSet.EMPTY;
  if (!(reserved instanceof PortSet)) throw invalidArgType('reserved', 'a PortSet', reserved);
  if (options.inUse !== undefined && typeof options.inUse !== 'function') {
    throw invalidArgType('inUse', 'a function', options.inUse);
  }
  if (options.seed !== undefined) assertSeed(options.seed);
  return { range, reserved, inUse: options.inUse, seed: options.seed };
}

export function assertPositiveInteger(value: unknown, name: string, max = 0xffff_ffff): asserts value is number {
  checkInteger(name, value, 1, max);
}
