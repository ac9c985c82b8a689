import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from './errors.js';
import { PortSet } from './range.js';
import {
  DEFAULT_MIN_RANGE_SIZE,
  DEFAULT_NODE_PORT_RANGE,
  SafetyCodes,
  type SafetyOptions,
  checkRangeSafety,
  isSafe,
} from './safety.js';

const codes = (ds: Diagnostic[]) => ds.map((d) => `${d.code}:${d.severity}`);

describe('checkRangeSafety (table)', () => {
  const table: [string, { low: number; high: number }, SafetyOptions, string[]][] = [
    ['Linux default, nothing known', { low: 32768, high: 60999 }, {}, []],
    ['IANA dynamic range', { low: 49152, high: 65535 }, {}, []],
    ['exactly the minimum', { low: 50000, high: 50000 + DEFAULT_MIN_RANGE_SIZE - 1 }, {}, []],
    [
      'one below the minimum',
      { low: 50000, high: 50000 + DEFAULT_MIN_RANGE_SIZE - 2 },
      {},
      ['SAFETY_RANGE_TOO_SMALL:error'],
    ],
    ['a custom minimum', { low: 60000, high: 60099 }, { minSize: 100 }, []],
    ['minimum disabled', { low: 60000, high: 60000 }, { minSize: 0 }, []],
    [
      'reserved ports shrink the usable size below the minimum',
      { low: 60000, high: 61099 },
      { reservedPorts: PortSet.of({ low: 60000, high: 60199 }) },
      ['SAFETY_RANGE_TOO_SMALL:error', 'SAFETY_OVERLAPS_RESERVED:info'],
    ],
    [
      'reserved ports outside the range do not count',
      { low: 49152, high: 65535 },
      { reservedPorts: [22, 80, { low: 30000, high: 32767 }] },
      [],
    ],
    [
      'a listener inside the range',
      { low: 32768, high: 60999 },
      { listeningPorts: [22, 5432, 33333] },
      ['SAFETY_OVERLAPS_LISTENING:error'],
    ],
    ['listeners outside the range', { low: 32768, high: 60999 }, { listeningPorts: new Set([22, 80, 61000]) }, []],
    [
      'widened to 1024-65535 (DRBD/NodePort/system trouble)',
      { low: 1024, high: 65535 },
      { listeningPorts: [7000] },
      ['SAFETY_OVERLAPS_LISTENING:error', 'SAFETY_OVERLAPS_NODEPORT:warning'],
    ],
    [
      'explicit NodePort range is an error',
      { low: 20000, high: 40000 },
      { nodePortRange: { low: 30000, high: 32767 } },
      ['SAFETY_OVERLAPS_NODEPORT:error'],
    ],
    ['NodePort check off', { low: 20000, high: 40000 }, { nodePortRange: null }, []],
    [
      'custom NodePort range elsewhere',
      { low: 20000, high: 40000 },
      { nodePortRange: { low: 40001, high: 42000 } },
      [],
    ],
    ['touching the NodePort range ends', { low: 32767, high: 60999 }, {}, ['SAFETY_OVERLAPS_NODEPORT:warning']],
    ['just above the NodePort range', { low: 32768, high: 60999 }, {}, []],
    [
      'system ports',
      { low: 600, high: 20000 },
      {},
      ['SAFETY_OVERLAPS_SYSTEM_PORTS:error'],
    ],
    ['system ports check off', { low: 600, high: 20000 }, { checkSystemPorts: false }, []],
    [
      'everything at once, in a stable order',
      { low: 1000, high: 31000 },
      {
        minSize: 100000,
        listeningPorts: [1010],
        nodePortRange: { low: 30000, high: 30100 },
        reservedPorts: [1005],
      },
      [
        'SAFETY_RANGE_TOO_SMALL:error',
        'SAFETY_OVERLAPS_LISTENING:error',
        'SAFETY_OVERLAPS_NODEPORT:error',
        'SAFETY_OVERLAPS_SYSTEM_PORTS:error',
        'SAFETY_OVERLAPS_RESERVED:info',
      ],
    ],
  ];
  it.each(table)('%s', (_name, range, options, expected) => {
    const found = checkRangeSafety(range, options);
    expect(codes(found)).toEqual(expected);
    expect(isSafe(found)).toBe(!expected.some((c) => c.endsWith(':error')));
    for (const d of found) expect(d.message).toContain(`${range.low}-${range.high}`);
  });

  it('names the offending ports and the arithmetic', () => {
    const [listening] = checkRangeSafety({ low: 32768, high: 60999 }, { listeningPorts: [33333, 33334, 40000] });
    expect(listening!.message).toMatch(/ports 33333-33334, 40000 where services listen/);
    const [small] = checkRangeSafety({ low: 60000, high: 60599 });
    expect(small!.message).toMatch(/leaves 600 usable ports.*minimum of 1024.*about 10 new connections per second/);
    const [, info] = checkRangeSafety(
      { low: 49152, high: 65535 },
      { reservedPorts: [50000], listeningPorts: [50000] },
    );
    expect(info!.message).toMatch(/port 50000 inside 49152-65535 is reserved.*16383 of 16384/);
  });

  it('lists at most 10 ranges', () => {
    const listeningPorts = Array.from({ length: 25 }, (_, i) => 40000 + i * 2);
    const [d] = checkRangeSafety({ low: 32768, high: 60999 }, { listeningPorts });
    expect(d!.message).toMatch(/and 15 more ranges/);
  });

  it('uses the Kubernetes default NodePort range', () => {
    expect(DEFAULT_NODE_PORT_RANGE).toEqual({ low: 30000, high: 32767 });
    expect(Object.values(SafetyCodes)).toHaveLength(5);
  });

  it.each([
    ['an inverted range', () => checkRangeSafety({ low: 5, high: 4 }), 'ERR_OUT_OF_RANGE'],
    ['a non-range', () => checkRangeSafety(null as never), 'ERR_INVALID_ARG_TYPE'],
    ['a bad minSize', () => checkRangeSafety({ low: 1, high: 2 }, { minSize: -1 }), 'ERR_OUT_OF_RANGE'],
    [
      'a bad NodePort range',
      () => checkRangeSafety({ low: 1, high: 2 }, { nodePortRange: { low: 9, high: 1 } }),
      'ERR_OUT_OF_RANGE',
    ],
    [
      'bad listening ports',
      () => checkRangeSafety({ low: 1, high: 2 }, { listeningPorts: [70000] }),
      'ERR_EPHEMERAL_INVALID_PORT_LIST',
    ],
    [
      'a non-iterable',
      () => checkRangeSafety({ low: 1, high: 2 }, { reservedPorts: 5 as never }),
      'ERR_EPHEMERAL_INVALID_PORT_LIST',
    ],
  ])('%s is refused', (_name, fn, code) => {
    expect(fn).toThrow(expect.objectContaining({ code }));
  });
});

describe('checkRangeSafety (property)', () => {
  it('flags a listener exactly when one lies inside the range', () => {
    const port = fc.integer({ min: 1024, max: 65535 });
    fc.assert(
      fc.property(port, port, fc.array(port, { maxLength: 8 }), (a, b, listeners) => {
        const range = { low: Math.min(a, b), high: Math.max(a, b) };
        const found = checkRangeSafety(range, { listeningPorts: listeners, minSize: 0, nodePortRange: null });
        const inside = listeners.some((p) => p >= range.low && p <= range.high);
        expect(codes(found)).toEqual(inside ? ['SAFETY_OVERLAPS_LISTENING:error'] : []);
      }),
      { numRuns: 1000 },
    );
  });
});
