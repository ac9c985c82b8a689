/**
 * Turns raw `net.inet.ip.portrange.*` values into ranges. The kernels accept `first > last` and swap the ends
 * when they pick a port (FreeBSD `in_pcb_lport_dest()`; XNU counts down), so a reading is always reported as an
 * ordered range plus a `swapped` flag, never refused.
 */
import { EphemeralPortsError, ErrorCodes } from '../errors.js';
import type { PortRange } from '../range.js';
import { BSD_OIDS, BSD_READ_KEYS, type BsdOidKey, type BsdOs } from './sysctl-names.js';

/** A pair as the kernel stores it (possibly swapped). */
export interface SysctlPair {
  first: number;
  last: number;
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

export function orderedRange(a: number, b: number): PortRange {
  return Object.freeze(a <= b ? { low: a, high: b } : { low: b, high: a });
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
  const out: BsdPortRanges = {
    default: orderedRange(raw.first, raw.last),
    raw,
    swapped: raw.first > raw.last,
    high: orderedRange(get('hifirst'), get('hilast')),
    low: orderedRange(get('lowlast'), get('lowfirst')),
  };
  if (os === 'freebsd') {
    out.reservedLow = get('reservedlow');
    out.reservedHigh = get('reservedhigh');
    out.randomized = get('randomized') !== 0;
  }
  return out;
}
