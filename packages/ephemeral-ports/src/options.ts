/** Option shapes shared by the facade functions, and their validation (bad input changes nothing). */
import {
  PROTOCOLS,
  type PortRange,
  type Protocol,
  type ScopeOptions,
  checkObject,
  checkOneOf,
  invalidArgType,
  outOfRange,
} from '@ephemeral-ports/core/model';

/** Address family a caller cares about. Linux, the BSDs, macOS and Windows use one range for IPv4 and IPv6. */
export type Family = 4 | 6;

export interface RangeQueryOptions {
  /** `tcp` (default) or `udp`. Only AIX and Windows keep separate ranges. */
  protocol?: Protocol;
  /** `4` (default) or `6`. Every supported OS applies one range to both families; reported for clarity. */
  family?: Family;
  /** Linux: network namespace path (`/proc/<pid>/ns/net`, `/run/netns/<name>`). */
  netns?: string;
}

/** The options object of a public function: absent is `{}`; a string or number where it belongs is a TypeError. */
export function checkOptions<T extends object>(value: T | undefined): T {
  if (value === undefined) return {} as T;
  checkObject('options', value);
  return value;
}

export function checkProtocol(value: unknown): Protocol {
  if (value === undefined) return 'tcp';
  checkOneOf('protocol', value, PROTOCOLS);
  return value;
}

export function checkFamily(value: unknown): Family {
  if (value === undefined) return 4;
  checkOneOf('family', value, FAMILIES);
  return value;
}

const FAMILIES: readonly Family[] = [4, 6];

/**
 * A `{low, high}` argument: the JS types are checked here (`ERR_INVALID_ARG_TYPE`, `ERR_OUT_OF_RANGE` for a
 * fraction); whether the target OS accepts the values is validation's answer (`ERR_EPHEMERAL_INVALID_RANGE`).
 */
export function checkRangeArgument(value: unknown, name = 'range'): PortRange {
  checkObject(name, value, 'a {low, high} object');
  const { low, high } = value as Record<string, unknown>;
  for (const [key, v] of [['low', low], ['high', high]] as const) {
    if (typeof v !== 'number') throw invalidArgType(`${name}.${key}`, 'of type number', v);
    if (!Number.isInteger(v)) throw outOfRange(`${name}.${key}`, 'an integer', v);
  }
  return value as PortRange;
}

/** The backend scope for validated options (netns only when given: other backends reject it). */
export function scopeOf(protocol: Protocol, netns: string | undefined): ScopeOptions {
  return netns === undefined ? { protocol } : { protocol, netns };
}
