import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  IANA_CLASS_RANGES,
  IANA_DYNAMIC_PORTS,
  IANA_SYSTEM_PORTS,
  IANA_USER_PORTS,
  ianaBreakdown,
  ianaClass,
} from './iana.js';
import { MAX_PORT, PortSet } from './range.js';

describe('ianaClass (RFC 6335 §6)', () => {
  it.each([
    [0, 'system'],
    [22, 'system'],
    [1023, 'system'],
    [1024, 'user'],
    [32768, 'user'],
    [49151, 'user'],
    [49152, 'dynamic'],
    [65535, 'dynamic'],
  ] as const)('%i is %s', (port, cls) => {
    expect(ianaClass(port)).toBe(cls);
  });

  it('the three classes tile 0..65535 exactly', () => {
    const all = PortSet.of(IANA_SYSTEM_PORTS, IANA_USER_PORTS, IANA_DYNAMIC_PORTS);
    expect(all.toJSON()).toEqual([{ low: 0, high: MAX_PORT }]);
    expect(IANA_SYSTEM_PORTS.high + 1).toBe(IANA_USER_PORTS.low);
    expect(IANA_USER_PORTS.high + 1).toBe(IANA_DYNAMIC_PORTS.low);
  });

  it('every port lies in the range of its class (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_PORT }), (port) => {
        const r = IANA_CLASS_RANGES[ianaClass(port)];
        expect(port >= r.low && port <= r.high).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it.each([[-1], [65536], [1.5], [Number.NaN]])('rejects %s with ERR_OUT_OF_RANGE (a RangeError)', (bad) => {
    expect(() => ianaClass(bad)).toThrow(RangeError);
    expect(() => ianaClass(bad)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });
});

describe('ianaBreakdown', () => {
  it('counts the ports of a range per class', () => {
    expect(ianaBreakdown({ low: 1000, high: 50000 })).toEqual({ system: 24, user: 48128, dynamic: 849 });
    expect(ianaBreakdown({ low: 32768, high: 60999 })).toEqual({ system: 0, user: 16384, dynamic: 11848 });
  });

  it('adds up to the size of any set (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: MAX_PORT }), fc.integer({ min: 0, max: MAX_PORT }))),
        (pairs) => {
          const set = PortSet.fromRanges(pairs.map(([a, b]) => ({ low: Math.min(a, b), high: Math.max(a, b) })));
          const b = ianaBreakdown(set);
          expect(b.system + b.user + b.dynamic).toBe(set.size);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
