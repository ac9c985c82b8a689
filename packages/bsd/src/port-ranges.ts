/**
 * Turns raw `net.inet.ip.portrange.*` values into ranges. The kernels accept `first > last` and swap the ends
 * when they pick a port (FreeBSD `in_pcb_lport_dest()`; XNU counts down), so a reading is always reported as an
 * ordered range plus a `swapped` flag, never refused. This is the one converter between a first/last pair and a
 * range; core keeps only the `BsdRange` shape, for its table of defaults.
 */
import { type BsdRange, EphemeralPortsError, ErrorCodes, type PortRange, describe, isPort, portRange } from '@ephemeral-ports/core';
import { BSD_OIDS, BSD_READ_KEYS, type BsdOidKey, type BsdOs } from './sysctl-names.js';

/** A pair as the kernel stores it (possibly swapped). */
export interface SysctlPair {
  first: number;
  last: number;
}

/**
 * The range a pair covers (`first..last` or `hifirst..hilast`, or `lowfirst..lowlast`, stored high-to-low), and
 * whether it is stored swapped. Throws `ERR_EPHEMERAL_PARSE` when an end is not a port number.
 */
export function rangeFromPair(pair: SysctlPair): BsdRange {
  const { first, last } = pair ?? ({} as Partial<SysctlPair>);
  for (const [name, v] of [['first', first], ['last', last]] as const) {
    if (!isPort(v)) {
      throw new EphemeralPortsError(
        ErrorCodes.PARSE,
        `cannot parse a BSD first/last pair from ${describe(pair)}: ${name} is ${describe(v)}, not a port number`,
      );
    }
  }
  const f = first as number;
  const l = last as number;
  return Object.freeze({ range: Object.freeze({ low: Math.min(f, l), high: Math.max(f, l) }), swapped: f > l });
}

/** The values to store; `swapped` writes the ends in descending order (as the BSD low range is kept). */
export function pairFromRange(range: PortRange, swapped = false): SysctlPair {
  const { low, high } = portRange(range.low, range.high);
  return Object.freeze(swapped ? { first: high, last: low } : { first: low, last: high });
}

export interface BsdPortRanges {
  /** `first..last`: what "the ephemeral range" means. */
  default: PortRange;
  /** The default pair as stored, before ordering. */
  raw: SysctlPair;
  /** True when the kernel holds `first > last`. */
  swapped: boolean;
  /** `hifirst..hilast` (IP_PORTRANGE_HIGH). */
  high: PortRange;
  /** `lowlast..lowfirst` (IP_PORTRANGE_LOW; stored high-to-low, 1023 down to 600 by default). */
  low: PortRange;
  /** FreeBSD only: binds in `reservedlow..reservedhigh` need privilege. */
  reservedLow?: number;
  reservedHigh?: number;
  /** FreeBSD only: random start of the port search. */
  randomized?: boolean;
}

/** Builds a reading from values read in `BSD_READ_KEYS[os]` order. Throws `ERR_EPHEMERAL_PARSE` on a count or value mismatch. */
export function portRangesFromValues(os: BsdOs, values: readonly number[]): BsdPortRanges {
  const keys = BSD_READ_KEYS[os];
  if (values.length !== keys.length) {
    throw new EphemeralPortsError(ErrorCodes.PARSE, `expected ${keys.length} sysctl values, got ${values.length}`);
  }
  const v = new Map<BsdOidKey, number>();
  keys.forEach((key, i) => {
    const value = values[i]!;
    if (!Number.isInteger(value)) {
      throw new EphemeralPortsError(ErrorCodes.PARSE, `${BSD_OIDS[key]} is not an integer: ${String(value)}`);
    }
    v.set(key, value);
  });
  const get = (key: BsdOidKey): number => v.get(key)!;
  for (const key of ['first', 'last', 'hifirst', 'hilast', 'lowfirst', 'lowlast'] as const) {
    if (get(key) < 0 || get(key) > 65535) {
      throw new EphemeralPortsError(ErrorCodes.PARSE, `${BSD_OIDS[key]} is not a port number: ${get(key)}`);
    }
  }
  const raw = { first: get('first'), last: get('last') };
  const ephemeral = rangeFromPair(raw);
  const out: BsdPortRanges = {
    default: ephemeral.range,
    raw,
    swapped: ephemeral.swapped,
    high: rangeFromPair({ first: get('hifirst'), last: get('hilast') }).range,
    low: rangeFromPair({ first: get('lowfirst'), last: get('lowlast') }).range,
  };
  if (os === 'freebsd') {
    out.reservedLow = get('reservedlow');
    out.reservedHigh = get('reservedhigh');
    out.randomized = get('randomized') !== 0;
  }
  return out;
}
