/**
 * The range model: an inclusive {@link PortRange} and an immutable {@link PortSet} of sorted, disjoint,
 * non-adjacent ranges. Pure; every function validates its input and throws `ERR_INVALID_ARG_TYPE` (not a number)
 * or `ERR_OUT_OF_RANGE` (not a port, or `low > high`).
 */
import { checkInteger, checkObject, outOfRange } from './errors.js';

export const MIN_PORT = 0;
export const MAX_PORT = 65_535;

/** An inclusive range of ports: `low` and `high` both belong to it. */
export interface PortRange {
  readonly low: number;
  readonly high: number;
}

export function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_PORT && value <= MAX_PORT;
}

export function assertPort(value: unknown, name = 'port'): asserts value is number {
  checkInteger(name, value, MIN_PORT, MAX_PORT);
}

/** Builds a checked range. Throws `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` when an end is not a port or `low > high`. */
export function portRange(low: number, high: number): PortRange {
  assertPort(low, 'low');
  assertPort(high, 'high');
  if (low > high) throw outOfRange('high', `>= low (${low})`, high);
  return Object.freeze({ low, high });
}

/** A `{low, high}` object of ports, as a checked range; `name` prefixes the field names in messages. */
export function checkRange(value: unknown, name = 'range'): PortRange {
  checkObject(name, value, 'a {low, high} object');
  const { low, high } = value as Record<string, unknown>;
  assertPort(low, `${name}.low`);
  assertPort(high, `${name}.high`);
  if (low > high) throw outOfRange(`${name}.high`, `>= ${name}.low (${low})`, high);
  return Object.freeze({ low, high });
}

/** Number of ports in an inclusive range. */
export function rangeSize(range: PortRange): number {
  return range.high - range.low + 1;
}

export function rangeContains(range: PortRange, port: number): boolean {
  return port >= range.low && port <= range.high;
}

export function rangesOverlap(a: PortRange, b: PortRange): boolean {
  return a.low <= b.high && b.low <= a.high;
}

export function rangeEquals(a: PortRange, b: PortRange): boolean {
  return a.low === b.low && a.high === b.high;
}

export function formatRange(range: PortRange): string {
  return range.low === range.high ? String(range.low) : `${range.low}-${range.high}`;
}

/** Sorted, disjoint, non-adjacent ranges. Instances are immutable; every operation returns a new set. */
export class PortSet implements Iterable<PortRange> {
  static readonly EMPTY = new PortSet([]);
  readonly ranges: readonly PortRange[];

  private constructor(normalized: PortRange[]) {
    this.ranges = Object.freeze(normalized);
  }

  /** Normalizes any list of ranges (unsorted, overlapping, adjacent) into a set. */
  static fromRanges(ranges: Iterable<PortRange>): PortSet {
    const list = [...ranges].map((r) => checkRange(r)).sort((a, b) => a.low - b.low);
    const merged: PortRange[] = [];
    for (const r of list) {
      const last = merged[merged.length - 1];
      if (last && r.low <= last.high + 1) {
        if (r.high > last.high) merged[merged.length - 1] = Object.freeze({ low: last.low, high: r.high });
      } else {
        merged.push(r);
      }
    }
    return new PortSet(merged);
  }

  static fromPorts(ports: Iterable<number>): PortSet {
    const list: PortRange[] = [];
    for (const p of ports) {
      assertPort(p);
      list.push({ low: p, high: p });
    }
    return PortSet.fromRanges(list);
  }

  static of(...ranges: PortRange[]): PortSet {
    return PortSet.fromRanges(ranges);
  }

  get size(): number {
    let n = 0;
    for (const r of this.ranges) n += rangeSize(r);
    return n;
  }

  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  /** Binary search: O(log n). False for anything that is not an integer (a fraction is not a port). */
  has(port: number): boolean {
    if (!Number.isInteger(port)) return false;
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.ranges[mid]!;
      if (port < r.low) hi = mid - 1;
      else if (port > r.high) lo = mid + 1;
      else return true;
    }
    return false;
  }

  overlaps(other: PortSet | PortRange): boolean {
    return !this.intersect(other).isEmpty;
  }

  union(other: PortSet | PortRange): PortSet {
    return PortSet.fromRanges([...this.ranges, ...toSet(other).ranges]);
  }

  intersect(other: PortSet | PortRange): PortSet {
    const b = toSet(other).ranges;
    const out: PortRange[] = [];
    let i = 0;
    let j = 0;
    while (i < this.ranges.length && j < b.length) {
      const x = this.ranges[i]!;
      const y = b[j]!;
      const low = Math.max(x.low, y.low);
      const high = Math.min(x.high, y.high);
      if (low <= high) out.push(Object.freeze({ low, high }));
      if (x.high < y.high) i++;
      else j++;
    }
    return new PortSet(out);
  }

  subtract(other: PortSet | PortRange): PortSet {
    const b = toSet(other).ranges;
    const out: PortRange[] = [];
    let j = 0;
    for (const x of this.ranges) {
      let low = x.low;
      while (j < b.length && b[j]!.high < low) j++;
      let k = j;
      while (k < b.length && b[k]!.low <= x.high) {
        const y = b[k]!;
        if (y.low > low) out.push(Object.freeze({ low, high: y.low - 1 }));
        low = Math.max(low, y.high + 1);
        k++;
      }
      if (low <= x.high) out.push(Object.freeze({ low, high: x.high }));
    }
    return new PortSet(out);
  }

  /** The ports of `within` that are not in this set. */
  complement(within: PortRange = { low: MIN_PORT, high: MAX_PORT }): PortSet {
    return PortSet.fromRanges([within]).subtract(this);
  }

  equals(other: PortSet): boolean {
    return (
      this.ranges.length === other.ranges.length && this.ranges.every((r, i) => rangeEquals(r, other.ranges[i]!))
    );
  }

  *ports(): IterableIterator<number> {
    for (const r of this.ranges) for (let p = r.low; p <= r.high; p++) yield p;
  }

  [Symbol.iterator](): Iterator<PortRange> {
    return this.ranges[Symbol.iterator]();
  }

  /** Compact human form, e.g. `80,443,8000-8100`. */
  toString(): string {
    return this.ranges.map(formatRange).join(',');
  }

  toJSON(): PortRange[] {
    return this.ranges.map((r) => ({ low: r.low, high: r.high }));
  }
}

function toSet(value: PortSet | PortRange): PortSet {
  if (value instanceof PortSet) return value;
  // A PortSet of another copy of core (two versions of it installed side by side) fails instanceof but still
  // carries its ranges: treating it as one range would lose them.
  const ranges = (value as { ranges?: unknown }).ranges;
  return PortSet.fromRanges(Array.isArray(ranges) ? (ranges as PortRange[]) : [value]);
}

/** Short, safe rendering of an unknown value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value;
}
