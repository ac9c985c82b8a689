import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EphemeralPortsError, MAX_PORT, type PortRange } from '@ephemeral-ports/core';
import { pairFromRange, portRangesFromValues, rangeFromPair } from './port-ranges.js';

const RUNS = { numRuns: 1000 };
const portArb = fc.oneof(
  fc.integer({ min: 0, max: MAX_PORT }),
  fc.integer({ min: 0, max: 40 }),
  fc.integer({ min: MAX_PORT - 40, max: MAX_PORT }),
);
const rangeArb: fc.Arbitrary<PortRange> = fc
  .tuple(portArb, portArb)
  .map(([a, b]) => ({ low: Math.min(a, b), high: Math.max(a, b) }));

/** The EphemeralPortsError code `fn` throws, or null when it returns. */
function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    if (!(e instanceof EphemeralPortsError)) throw e;
    return e.code;
  }
}

describe('BSD first/last pairs', () => {
  it('converts ordered and swapped pairs', () => {
    expect(rangeFromPair({ first: 10000, last: 65535 })).toEqual({ range: { low: 10000, high: 65535 }, swapped: false });
    expect(rangeFromPair({ first: 1023, last: 600 })).toEqual({ range: { low: 600, high: 1023 }, swapped: true });
    expect(rangeFromPair({ first: 5000, last: 5000 })).toEqual({ range: { low: 5000, high: 5000 }, swapped: false });
    expect(pairFromRange({ low: 600, high: 1023 }, true)).toEqual({ first: 1023, last: 600 });
    expect(pairFromRange({ low: 49152, high: 65535 })).toEqual({ first: 49152, last: 65535 });
  });

  it.each([
    ['negative first', { first: -1, last: 5 }],
    ['last above 65535', { first: 1024, last: 65536 }],
    ['fraction', { first: 1.5, last: 5 }],
    ['missing last', { first: 1024 }],
    ['not an object', 42],
    ['null', null],
  ])('%s → ERR_EPHEMERAL_PARSE', (_name, value) => {
    expect(codeOf(() => rangeFromPair(value as never))).toBe('ERR_EPHEMERAL_PARSE');
  });

  it('anything else is a range or ERR_EPHEMERAL_PARSE, never another error (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const code = codeOf(() => rangeFromPair(value as never));
        expect(code === null || code === 'ERR_EPHEMERAL_PARSE').toBe(true);
      }),
      RUNS,
    );
  });

  it('pair → range → pair is the identity, including the swapped flag (property)', () => {
    fc.assert(
      fc.property(rangeArb, fc.boolean(), (range, swapped) => {
        const back = rangeFromPair(pairFromRange(range, swapped));
        expect(back.range).toEqual(range);
        // a one-port range has no direction
        expect(back.swapped).toBe(swapped && range.low !== range.high);
      }),
      RUNS,
    );
  });

  it('range → pair is the identity for any pair of ports (property)', () => {
    fc.assert(
      fc.property(portArb, portArb, (first, last) => {
        const { range, swapped } = rangeFromPair({ first, last });
        expect(pairFromRange(range, swapped)).toEqual({ first, last });
      }),
      RUNS,
    );
  });
});

describe('portRangesFromValues', () => {
  it('reads the low pair stored high-to-low and reports a swapped default pair', () => {
    const r = portRangesFromValues('darwin', [65535, 49152, 49152, 65535, 1023, 600]);
    expect(r).toMatchObject({
      default: { low: 49152, high: 65535 },
      raw: { first: 65535, last: 49152 },
      swapped: true,
      high: { low: 49152, high: 65535 },
      low: { low: 600, high: 1023 },
    });
    expect(r.reservedLow).toBeUndefined();
  });

  it('refuses a value that is not a port where a port is read', () => {
    expect(codeOf(() => portRangesFromValues('darwin', [70000, 65535, 49152, 65535, 1023, 600]))).toBe(
      'ERR_EPHEMERAL_PARSE',
    );
  });
});
