import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EphemeralPortsRangeError, isEphemeralPortsError } from '@ephemeral-ports/core';
import { fromWindowsStartCount, toWindowsStartCount } from './start-count.js';

const codeOf = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (e) {
    if (!isEphemeralPortsError(e)) throw e;
    return e.code;
  }
};

const rangeArb = fc
  .tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 }))
  .map(([a, b]) => ({ low: Math.min(a, b), high: Math.max(a, b) }));

describe('Windows start + number of ports', () => {
  it('converts the documented defaults', () => {
    expect(fromWindowsStartCount({ start: 49152, count: 16384 })).toEqual({ low: 49152, high: 65535 });
    expect(fromWindowsStartCount({ start: 1025, count: 3976 })).toEqual({ low: 1025, high: 5000 });
    expect(toWindowsStartCount({ low: 49152, high: 65535 })).toEqual({ start: 49152, count: 16384 });
    expect(fromWindowsStartCount({ start: 65535, count: 1 })).toEqual({ low: 65535, high: 65535 });
  });

  it.each([
    ['ends above 65535', { start: 49152, count: 16385 }, /ends at 65536/],
    ['zero ports', { start: 49152, count: 0 }, /not a positive integer/],
    ['fractional count', { start: 49152, count: 2.5 }, /not a positive integer/],
    ['start above 65535', { start: 70000, count: 1 }, /not a port/],
    ['start 0', { start: 0, count: 16384 }, /not a port/],
    ['string start', { start: '49152', count: 1 }, /not a port/],
  ])('%s → ERR_EPHEMERAL_PARSE', (_name, value, message) => {
    expect(codeOf(() => fromWindowsStartCount(value as never))).toBe('ERR_EPHEMERAL_PARSE');
    expect(() => fromWindowsStartCount(value as never)).toThrow(message);
  });

  it('refuses a range starting at port 0 with ERR_OUT_OF_RANGE (a RangeError)', () => {
    expect(() => toWindowsStartCount({ low: 0, high: 100 })).toThrow(EphemeralPortsRangeError);
    expect(codeOf(() => toWindowsStartCount({ low: 0, high: 100 }))).toBe('ERR_OUT_OF_RANGE');
  });

  it('round trips both ways (property)', () => {
    fc.assert(
      fc.property(rangeArb, (range) => {
        const native = toWindowsStartCount(range);
        expect(native.count).toBe(range.high - range.low + 1);
        expect(fromWindowsStartCount(native)).toEqual(range);
      }),
      { numRuns: 1000 },
    );
  });

  it('any value either converts to a valid range or throws ERR_EPHEMERAL_PARSE (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const code = codeOf(() => fromWindowsStartCount(value as never));
        expect(code === null || code === 'ERR_EPHEMERAL_PARSE').toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
