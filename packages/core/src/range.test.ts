import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_PORT,
  type PortRange,
  PortSet,
  assertPort,
  formatRange,
  isPort,
  portRange,
  rangeContains,
  rangeEquals,
  rangeSize,
  rangesOverlap,
} from './range.js';

const RUNS = { numRuns: 1000 };
const SIZE = MAX_PORT + 1;

/** Ports either anywhere or clustered near an edge, so overlaps and adjacency are common. */
const portArb = fc.oneof(
  fc.integer({ min: 0, max: MAX_PORT }),
  fc.integer({ min: 0, max: 64 }),
  fc.integer({ min: MAX_PORT - 64, max: MAX_PORT }),
);
const rangeArb: fc.Arbitrary<PortRange> = fc
  .tuple(portArb, portArb)
  .map(([a, b]) => ({ low: Math.min(a, b), high: Math.max(a, b) }));
/** Short ranges too: long ranges alone would make most sets one big block. */
const smallRangeArb: fc.Arbitrary<PortRange> = fc
  .tuple(portArb, fc.integer({ min: 0, max: 6 }))
  .map(([low, len]) => ({ low: Math.min(low, MAX_PORT - len), high: Math.min(low, MAX_PORT - len) + len }));
const rangesArb = fc.array(fc.oneof(rangeArb, smallRangeArb, smallRangeArb), { maxLength: 12 });

/** The brute-force model: one byte per port. */
function bitmapOf(ranges: Iterable<PortRange>): Uint8Array {
  const bits = new Uint8Array(SIZE);
  for (const r of ranges) bits.fill(1, r.low, r.high + 1);
  return bits;
}
function count(bits: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < SIZE; i++) n += bits[i]!;
  return n;
}
/** Bitwise a OP b per port (loops without callbacks: this runs 65536 × 1000 times per property). */
function combine(a: Uint8Array, b: Uint8Array, op: 'or' | 'and' | 'andNot'): Uint8Array {
  const out = new Uint8Array(SIZE);
  if (op === 'or') for (let i = 0; i < SIZE; i++) out[i] = a[i]! | b[i]!;
  else if (op === 'and') for (let i = 0; i < SIZE; i++) out[i] = a[i]! & b[i]!;
  else for (let i = 0; i < SIZE; i++) out[i] = a[i]! & (1 - b[i]!);
  return out;
}
const FULL = new Uint8Array(SIZE).fill(1);
/** The maximal runs of set bits: what a normalized set must hold, by construction of the model alone. */
function runsOf(bits: Uint8Array): PortRange[] {
  const runs: PortRange[] = [];
  for (let p = 0; p < SIZE; p++) {
    if (!bits[p]) continue;
    const low = p;
    while (p + 1 < SIZE && bits[p + 1]) p++;
    runs.push({ low, high: p });
  }
  return runs;
}

function expectNormalized(set: PortSet): void {
  set.ranges.forEach((r, i) => {
    expect(isPort(r.low) && isPort(r.high) && r.low <= r.high).toBe(true);
    const next = set.ranges[i + 1];
    // sorted, disjoint and non-adjacent: a gap of at least one port between neighbours
    if (next) expect(next.low).toBeGreaterThan(r.high + 1);
  });
}

function expectSameAsModel(set: PortSet, model: Uint8Array): void {
  expectNormalized(set);
  expect(set.toJSON()).toEqual(runsOf(model));
  expect(set.size).toBe(count(model));
}

describe('PortSet against a 65536-bit model (property)', () => {
  it('fromRanges normalizes to exactly the covered ports', () => {
    fc.assert(
      fc.property(rangesArb, (ranges) => {
        const set = PortSet.fromRanges(ranges);
        expectSameAsModel(set, bitmapOf(ranges));
        expect(set.isEmpty).toBe(ranges.length === 0);
      }),
      RUNS,
    );
  });

  it('union', () => {
    fc.assert(
      fc.property(rangesArb, rangesArb, (a, b) => {
        const got = PortSet.fromRanges(a).union(PortSet.fromRanges(b));
        expectSameAsModel(got, combine(bitmapOf(a), bitmapOf(b), 'or'));
      }),
      RUNS,
    );
  });

  it('intersect', () => {
    fc.assert(
      fc.property(rangesArb, rangesArb, (a, b) => {
        const got = PortSet.fromRanges(a).intersect(PortSet.fromRanges(b));
        expectSameAsModel(got, combine(bitmapOf(a), bitmapOf(b), 'and'));
        expect(PortSet.fromRanges(a).overlaps(PortSet.fromRanges(b))).toBe(!got.isEmpty);
      }),
      RUNS,
    );
  });

  it('subtract', () => {
    fc.assert(
      fc.property(rangesArb, rangesArb, (a, b) => {
        const got = PortSet.fromRanges(a).subtract(PortSet.fromRanges(b));
        expectSameAsModel(got, combine(bitmapOf(a), bitmapOf(b), 'andNot'));
      }),
      RUNS,
    );
  });

  it('operations accept a single PortRange as the other operand', () => {
    fc.assert(
      fc.property(rangesArb, rangeArb, (a, r) => {
        const set = PortSet.fromRanges(a);
        const other = PortSet.of(r);
        expect(set.union(r).equals(set.union(other))).toBe(true);
        expect(set.intersect(r).equals(set.intersect(other))).toBe(true);
        expect(set.subtract(r).equals(set.subtract(other))).toBe(true);
        expect(set.overlaps(r)).toBe(set.overlaps(other));
      }),
      RUNS,
    );
  });

  it('complement within the full space and within a given range', () => {
    fc.assert(
      fc.property(rangesArb, rangeArb, (a, within) => {
        const set = PortSet.fromRanges(a);
        const model = bitmapOf(a);
        expectSameAsModel(set.complement(), combine(FULL, model, 'andNot'));
        const inWithin = bitmapOf([within]);
        expectSameAsModel(set.complement(within), combine(inWithin, model, 'andNot'));
      }),
      RUNS,
    );
  });

  it('has matches the model for probed ports, and rejects non-ports', () => {
    fc.assert(
      fc.property(rangesArb, fc.array(portArb, { minLength: 1, maxLength: 30 }), (a, probes) => {
        const set = PortSet.fromRanges(a);
        const model = bitmapOf(a);
        for (const p of probes) {
          expect(set.has(p)).toBe(model[p] === 1);
          expect(set.has(p + 0.5)).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it('ports() lists exactly the members in ascending order; fromPorts is its inverse', () => {
    fc.assert(
      fc.property(fc.array(smallRangeArb, { maxLength: 6 }), (a) => {
        const set = PortSet.fromRanges(a);
        const ports = [...set.ports()];
        const model = bitmapOf(a);
        const expected: number[] = [];
        model.forEach((b, p) => b && expected.push(p));
        expect(ports).toEqual(expected);
        expect(PortSet.fromPorts(ports).equals(set)).toBe(true);
      }),
      RUNS,
    );
  });

  it('algebraic laws: a = (a∖b) ∪ (a∩b), a∖b disjoint from b, union commutes', () => {
    fc.assert(
      fc.property(rangesArb, rangesArb, (ra, rb) => {
        const a = PortSet.fromRanges(ra);
        const b = PortSet.fromRanges(rb);
        expect(a.subtract(b).union(a.intersect(b)).equals(a)).toBe(true);
        expect(a.subtract(b).overlaps(b)).toBe(false);
        expect(a.union(b).equals(b.union(a))).toBe(true);
        expect(a.union(b).size).toBe(a.size + b.size - a.intersect(b).size);
      }),
      RUNS,
    );
  });

  it('toJSON/toString describe the same ranges', () => {
    fc.assert(
      fc.property(rangesArb, (a) => {
        const set = PortSet.fromRanges(a);
        expect(PortSet.fromRanges(set.toJSON()).equals(set)).toBe(true);
        expect(set.toString()).toBe(set.ranges.map(formatRange).join(','));
      }),
      RUNS,
    );
  });
});

describe('PortRange helpers (property)', () => {
  it('size, contains and overlap agree with the model', () => {
    fc.assert(
      fc.property(rangeArb, rangeArb, portArb, (a, b, p) => {
        expect(rangeSize(a)).toBe(count(bitmapOf([a])));
        expect(rangeContains(a, p)).toBe(p >= a.low && p <= a.high);
        const both = combine(bitmapOf([a]), bitmapOf([b]), 'and');
        expect(rangesOverlap(a, b)).toBe(count(both) > 0);
        expect(rangeEquals(a, b)).toBe(a.low === b.low && a.high === b.high);
      }),
      RUNS,
    );
  });
});

describe('input checks', () => {
  const bad: [string, () => unknown, string, ErrorConstructor][] = [
    ['low above high', () => portRange(10, 9), 'ERR_OUT_OF_RANGE', RangeError],
    ['negative', () => portRange(-1, 9), 'ERR_OUT_OF_RANGE', RangeError],
    ['above 65535', () => portRange(1, 65536), 'ERR_OUT_OF_RANGE', RangeError],
    ['fraction', () => portRange(1.5, 9), 'ERR_OUT_OF_RANGE', RangeError],
    ['NaN', () => portRange(Number.NaN, 9), 'ERR_OUT_OF_RANGE', RangeError],
    ['string', () => portRange('80' as unknown as number, 90), 'ERR_INVALID_ARG_TYPE', TypeError],
    ['set from an inverted range', () => PortSet.fromRanges([{ low: 5, high: 4 }]), 'ERR_OUT_OF_RANGE', RangeError],
    ['set from a non-object', () => PortSet.fromRanges([null as never]), 'ERR_INVALID_ARG_TYPE', TypeError],
    ['set from a non-port', () => PortSet.fromPorts([70000]), 'ERR_OUT_OF_RANGE', RangeError],
    ['complement within an inverted range', () => PortSet.EMPTY.complement({ low: 9, high: 1 }), 'ERR_OUT_OF_RANGE', RangeError],
  ];
  it.each(bad)('%s throws %s', (_name, fn, code, type) => {
    expect(fn).toThrow(type);
    expect(fn).toThrow(expect.objectContaining({ code }));
  });

  it('assertPort names the argument and the value', () => {
    expect(() => assertPort(65536, 'start')).toThrow(
      'The value of "start" is out of range. It must be >= 0 && <= 65535. Received type number (65536)',
    );
  });

  it('portRange is frozen and a one-port range is allowed', () => {
    const r = portRange(7, 7);
    expect(Object.isFrozen(r)).toBe(true);
    expect(rangeSize(r)).toBe(1);
    expect(formatRange(r)).toBe('7');
    expect(formatRange(portRange(1, 2))).toBe('1-2');
  });

  it('PortSet instances are immutable', () => {
    const set = PortSet.of({ low: 1, high: 3 });
    expect(Object.isFrozen(set.ranges)).toBe(true);
    expect(Object.isFrozen(set.ranges[0])).toBe(true);
    expect(PortSet.EMPTY.size).toBe(0);
    expect(PortSet.EMPTY.complement().size).toBe(SIZE);
  });
});

describe('a PortSet of another copy of core', () => {
  // Two versions of core installed side by side (or a test runner that loads sources beside a built backend): their
  // PortSets fail instanceof against each other, and set operations must still use every range.
  const foreign = Object.freeze({ ranges: Object.freeze([{ low: 8000, high: 8010 }, { low: 9000, high: 9000 }]) });
  const other = foreign as unknown as PortSet;

  it('is read by its ranges in union, intersect and subtract', () => {
    expect(PortSet.EMPTY.union(other).toString()).toBe('8000-8010,9000');
    expect(PortSet.of({ low: 8005, high: 9005 }).intersect(other).toString()).toBe('8005-8010,9000');
    expect(PortSet.of({ low: 8000, high: 9000 }).subtract(other).toString()).toBe('8011-8999');
  });
});
