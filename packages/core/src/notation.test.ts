import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EphemeralPortsError } from './errors.js';
import {
  AIX_TUNABLE_NAMES,
  formatAixNoAssignments,
  formatLinuxRange,
  formatLinuxRangeWrite,
  formatLinuxReservedPorts,
  formatLinuxReservedPortsWrite,
  fromAixTunables,
  fromBsdFirstLast,
  fromWindowsStartCount,
  parseLinuxRange,
  parseLinuxReservedPorts,
  parsePortArgument,
  parsePortListArgument,
  parseRangeArgument,
  toAixTunables,
  toBsdFirstLast,
  toWindowsStartCount,
} from './notation.js';
import { MAX_PORT, type PortRange, PortSet } from './range.js';

const RUNS = { numRuns: 1000 };

const portArb = fc.oneof(
  fc.integer({ min: 0, max: MAX_PORT }),
  fc.integer({ min: 0, max: 40 }),
  fc.integer({ min: MAX_PORT - 40, max: MAX_PORT }),
);
const rangeArb: fc.Arbitrary<PortRange> = fc
  .tuple(portArb, portArb)
  .map(([a, b]) => ({ low: Math.min(a, b), high: Math.max(a, b) }));
const smallRangeArb: fc.Arbitrary<PortRange> = fc
  .tuple(portArb, fc.integer({ min: 0, max: 5 }))
  .map(([low, len]) => ({ low: Math.min(low, MAX_PORT - len), high: Math.min(low, MAX_PORT - len) + len }));
const setArb = fc.array(fc.oneof(smallRangeArb, smallRangeArb, rangeArb), { maxLength: 10 }).map(PortSet.fromRanges);
/** ASCII whitespace the kernel's parser skips. */
const wsArb = fc.string({ unit: fc.constantFrom(' ', '\t', '\n'), minLength: 1, maxLength: 3 });
const optWsArb = fc.string({ unit: fc.constantFrom(' ', '\t', '\n'), maxLength: 3 });

/** Runs `fn` and returns the EphemeralPortsError code it throws, or null when it returns. */
function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    if (!(e instanceof EphemeralPortsError)) throw e;
    return e.code;
  }
}

describe('Linux ip_local_port_range', () => {
  it('parses the kernel read form and the write form', () => {
    expect(parseLinuxRange('32768\t60999\n')).toEqual({ low: 32768, high: 60999 });
    expect(parseLinuxRange('49152 65535\n')).toEqual({ low: 49152, high: 65535 });
    expect(parseLinuxRange('  1024 \t\t 1024  ')).toEqual({ low: 1024, high: 1024 });
    expect(formatLinuxRange({ low: 32768, high: 60999 })).toBe('32768\t60999');
    expect(formatLinuxRangeWrite({ low: 49152, high: 65535 })).toBe('49152 65535\n');
  });

  const malformed: [string, string, RegExp][] = [
    ['empty', '', /expected two numbers, found 0/],
    ['one number', '32768\n', /found 1/],
    ['three numbers', '1 2 3', /found 3/],
    ['a dash', '32768-60999', /expected two numbers, found 1/],
    ['a sign', '-1 60999', /not a decimal/],
    ['hex', '0x8000 60999', /not a decimal/],
    ['leading zero', '032768 60999', /leading zeros/],
    ['above 65535', '32768 65536', /above 65535/],
    ['a huge number', '32768 99999999999999999999999', /above 65535/],
    ['inverted', '60999 32768', /first number \(60999\) is above the second \(32768\)/],
    ['a fraction', '1.5 2', /not a decimal/],
  ];
  it.each(malformed)('%s → ERR_EPHEMERAL_PARSE', (_name, text, message) => {
    expect(codeOf(() => parseLinuxRange(text))).toBe('ERR_EPHEMERAL_PARSE');
    expect(() => parseLinuxRange(text)).toThrow(message);
  });

  it('format → parse is the identity, for both forms and any surrounding whitespace (property)', () => {
    fc.assert(
      fc.property(rangeArb, optWsArb, wsArb, optWsArb, (r, a, b, c) => {
        expect(parseLinuxRange(formatLinuxRange(r))).toEqual(r);
        expect(parseLinuxRange(`${formatLinuxRange(r)}\n`)).toEqual(r);
        expect(parseLinuxRange(formatLinuxRangeWrite(r))).toEqual(r);
        expect(parseLinuxRange(`${a}${r.low}${b}${r.high}${c}`)).toEqual(r);
      }),
      RUNS,
    );
  });

  it('refuses to format a range that is not one', () => {
    expect(codeOf(() => formatLinuxRangeWrite({ low: 5, high: 4 }))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => formatLinuxRange({ low: 0, high: 65536 }))).toBe('ERR_INVALID_ARGUMENT');
  });
});

describe('Linux ip_local_reserved_ports', () => {
  it('parses lists, normalizing like the kernel', () => {
    expect(parseLinuxReservedPorts('1,2-4,10').toString()).toBe('1-4,10');
    expect(parseLinuxReservedPorts('1-4,10\n').toString()).toBe('1-4,10');
    expect(parseLinuxReservedPorts('10-10,3,1-2').toJSON()).toEqual([
      { low: 1, high: 3 },
      { low: 10, high: 10 },
    ]);
    expect(parseLinuxReservedPorts('').isEmpty).toBe(true);
    expect(parseLinuxReservedPorts('\n').isEmpty).toBe(true);
    expect(parseLinuxReservedPorts('0,65535').size).toBe(2);
  });

  it('formats exactly as the kernel prints', () => {
    expect(formatLinuxReservedPorts(PortSet.fromPorts([10, 1, 2, 3, 4]))).toBe('1-4,10');
    expect(formatLinuxReservedPorts(PortSet.of({ low: 7, high: 7 }, { low: 8, high: 9 }))).toBe('7-9');
    expect(formatLinuxReservedPorts(PortSet.EMPTY)).toBe('');
    expect(formatLinuxReservedPortsWrite(PortSet.EMPTY)).toBe('\n');
    expect(formatLinuxReservedPortsWrite(PortSet.fromPorts([8080]))).toBe('8080\n');
  });

  const malformed: [string, string][] = [
    ['space-separated range (kubernetes #111144)', '1024 15999'],
    ['trailing comma', '1,2,'],
    ['leading comma', ',1'],
    ['double comma', '1,,2'],
    ['open range', '5-'],
    ['double dash', '1-2-3'],
    ['inverted range', '9-3'],
    ['above 65535', '65536'],
    ['word', 'none'],
    ['leading zero', '08'],
    ['negative', '-5'],
  ];
  it.each(malformed)('%s → ERR_EPHEMERAL_PARSE', (_name, text) => {
    expect(codeOf(() => parseLinuxReservedPorts(text))).toBe('ERR_EPHEMERAL_PARSE');
  });

  it('format → parse is the identity, with or without the newline (property)', () => {
    fc.assert(
      fc.property(setArb, (set) => {
        expect(parseLinuxReservedPorts(formatLinuxReservedPorts(set)).equals(set)).toBe(true);
        expect(parseLinuxReservedPorts(formatLinuxReservedPortsWrite(set)).equals(set)).toBe(true);
      }),
      RUNS,
    );
  });

  it('parsing any list written the way the kernel accepts gives the union of its items (property)', () => {
    const itemArb = fc.oneof(
      smallRangeArb.map((r) => ({ r, text: `${r.low}-${r.high}` })),
      portArb.map((p) => ({ r: { low: p, high: p }, text: String(p) })),
    );
    fc.assert(
      fc.property(fc.array(itemArb, { minLength: 1, maxLength: 12 }), (items) => {
        const parsed = parseLinuxReservedPorts(items.map((i) => i.text).join(','));
        expect(parsed.equals(PortSet.fromRanges(items.map((i) => i.r)))).toBe(true);
        // the kernel's normalised output of that list parses to the same set
        expect(parseLinuxReservedPorts(`${formatLinuxReservedPorts(parsed)}\n`).equals(parsed)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('BSD first/last', () => {
  it('converts ordered and swapped pairs', () => {
    expect(fromBsdFirstLast({ first: 10000, last: 65535 })).toEqual({
      range: { low: 10000, high: 65535 },
      swapped: false,
    });
    expect(fromBsdFirstLast({ first: 1023, last: 600 })).toEqual({ range: { low: 600, high: 1023 }, swapped: true });
    expect(fromBsdFirstLast({ first: 5000, last: 5000 })).toEqual({ range: { low: 5000, high: 5000 }, swapped: false });
    expect(toBsdFirstLast({ low: 600, high: 1023 }, true)).toEqual({ first: 1023, last: 600 });
    expect(toBsdFirstLast({ low: 49152, high: 65535 })).toEqual({ first: 49152, last: 65535 });
  });

  it.each([
    ['negative first', { first: -1, last: 5 }],
    ['last above 65535', { first: 1024, last: 65536 }],
    ['fraction', { first: 1.5, last: 5 }],
    ['missing last', { first: 1024 }],
    ['not an object', 42],
    ['null', null],
  ])('%s → ERR_EPHEMERAL_PARSE', (_name, value) => {
    expect(codeOf(() => fromBsdFirstLast(value as never))).toBe('ERR_EPHEMERAL_PARSE');
  });

  it('to → from is the identity, including the swapped flag (property)', () => {
    fc.assert(
      fc.property(rangeArb, fc.boolean(), (range, swapped) => {
        const back = fromBsdFirstLast(toBsdFirstLast(range, swapped));
        expect(back.range).toEqual(range);
        // a one-port range has no direction
        expect(back.swapped).toBe(swapped && range.low !== range.high);
      }),
      RUNS,
    );
  });

  it('from → to is the identity for any pair of ports (property)', () => {
    fc.assert(
      fc.property(portArb, portArb, (first, last) => {
        const { range, swapped } = fromBsdFirstLast({ first, last });
        expect(toBsdFirstLast(range, swapped)).toEqual({ first, last });
      }),
      RUNS,
    );
  });
});

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

  it('round trips both ways (property)', () => {
    fc.assert(
      fc.property(rangeArb.filter((r) => r.low >= 1), (range) => {
        const native = toWindowsStartCount(range);
        expect(native.count).toBe(range.high - range.low + 1);
        expect(fromWindowsStartCount(native)).toEqual(range);
      }),
      RUNS,
    );
  });
});

describe('AIX per-protocol tunables', () => {
  const defaults = { tcp: { low: 32768, high: 65535 }, udp: { low: 32768, high: 65535 } };

  it('converts the four values and names the tunables', () => {
    const ranges = fromAixTunables({ tcp: { low: 49152, high: 65535 }, udp: { low: 32768, high: 60000 } });
    expect(ranges.tcp).toEqual({ low: 49152, high: 65535 });
    expect(ranges.udp).toEqual({ low: 32768, high: 60000 });
    expect(toAixTunables(fromAixTunables(defaults))).toEqual(defaults);
    expect(AIX_TUNABLE_NAMES.udp).toEqual({ low: 'udp_ephemeral_low', high: 'udp_ephemeral_high' });
    expect(formatAixNoAssignments('tcp', { low: 9000, high: 65500 })).toEqual([
      'tcp_ephemeral_low=9000',
      'tcp_ephemeral_high=65500',
    ]);
  });

  it.each([
    ['udp inverted', { tcp: defaults.tcp, udp: { low: 60000, high: 50000 } }, /AIX udp/],
    ['tcp low missing', { tcp: { high: 65535 }, udp: defaults.udp }, /tcp_ephemeral_low is undefined/],
    ['udp high above 65535', { tcp: defaults.tcp, udp: { low: 1, high: 65536 } }, /udp_ephemeral_high is 65536/],
    ['no udp', { tcp: defaults.tcp }, /udp_ephemeral_low/],
  ])('%s → ERR_EPHEMERAL_PARSE', (_name, value, message) => {
    expect(codeOf(() => fromAixTunables(value as never))).toBe('ERR_EPHEMERAL_PARSE');
    expect(() => fromAixTunables(value as never)).toThrow(message);
  });

  it('round trips (property)', () => {
    fc.assert(
      fc.property(rangeArb, rangeArb, (tcp, udp) => {
        const ranges = fromAixTunables(toAixTunables({ tcp, udp }));
        expect(ranges).toEqual({ tcp, udp });
      }),
      RUNS,
    );
  });
});

describe('parseRangeArgument / parsePortArgument (CLI input)', () => {
  it.each([
    ['49152-65535'],
    ['49152 65535'],
    ['49152:65535'],
    ['49152,65535'],
    [' 49152 - 65535 '],
    ['49152\t65535'],
  ])('accepts %j', (text) => {
    expect(parseRangeArgument(text)).toEqual({ low: 49152, high: 65535 });
  });

  it.each([['49152'], ['65535-49152'], ['49152-65536'], ['a-b'], ['1-2-3'], [''], ['-1-5'], ['0800-0900'], ['1..2']])(
    'refuses %j with ERR_INVALID_ARGUMENT',
    (text) => {
      expect(codeOf(() => parseRangeArgument(text))).toBe('ERR_INVALID_ARGUMENT');
    },
  );

  it('says what it expected', () => {
    expect(() => parseRangeArgument('65535-49152')).toThrow(/low \(65535\) is above high \(49152\).*LOW-HIGH/);
  });

  it('round trips every separator (property)', () => {
    fc.assert(
      fc.property(rangeArb, fc.constantFrom('-', ' ', ':', ','), (r, sep) => {
        expect(parseRangeArgument(`${r.low}${sep}${r.high}`)).toEqual(r);
      }),
      RUNS,
    );
  });

  it('reads port lists with optional spaces', () => {
    expect(parsePortListArgument('80, 443, 8000 - 8100').toString()).toBe('80,443,8000-8100');
    expect(parsePortListArgument(' 22 ').toString()).toBe('22');
    expect(parsePortListArgument('').isEmpty).toBe(true);
    for (const bad of ['1024 15999', '80,,81', 'http', '9-3', '70000']) {
      expect(codeOf(() => parsePortListArgument(bad))).toBe('ERR_INVALID_ARGUMENT');
    }
    expect(() => parsePortListArgument('9-3')).toThrow(/invalid port list "9-3": the first number \(9\) is above/);
  });

  it('reads single ports', () => {
    expect(parsePortArgument(' 8080 ')).toBe(8080);
    expect(parsePortArgument('0')).toBe(0);
    for (const bad of ['65536', '-1', '80x', '', '1e3', '080']) {
      expect(codeOf(() => parsePortArgument(bad))).toBe('ERR_INVALID_ARGUMENT');
    }
  });
});

describe('parsers never crash on arbitrary input (property)', () => {
  const textArb = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: fc.constantFrom('0', '1', '5', '9', '-', ',', ' ', '\t', '\n', ':', '6', '.') }),
  );

  it('OS parsers throw only ERR_EPHEMERAL_PARSE, and what they return is valid', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        for (const parse of [parseLinuxRange, parseLinuxReservedPorts]) {
          const code = codeOf(() => parse(text));
          expect(code === null || code === 'ERR_EPHEMERAL_PARSE').toBe(true);
        }
        const code = codeOf(() => parseLinuxRange(text));
        if (code === null) {
          const r = parseLinuxRange(text);
          // the numbers returned are the numbers written: re-formatting matches the input's tokens
          expect(text.trim().split(/\s+/)).toEqual([String(r.low), String(r.high)]);
        }
      }),
      RUNS,
    );
  });

  it('non-string and odd-shaped inputs are ERR_EPHEMERAL_PARSE too', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        for (const parse of [
          parseLinuxRange,
          parseLinuxReservedPorts,
          fromBsdFirstLast,
          fromWindowsStartCount,
          fromAixTunables,
        ] as ((v: unknown) => unknown)[]) {
          const code = codeOf(() => parse(value));
          expect(code === null || code === 'ERR_EPHEMERAL_PARSE').toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('the CLI parsers throw only ERR_INVALID_ARGUMENT', () => {
    fc.assert(
      fc.property(fc.oneof(textArb, fc.anything()), (value) => {
        for (const parse of [parseRangeArgument, parsePortArgument, parsePortListArgument]) {
          const code = codeOf(() => parse(value as string));
          expect(code === null || code === 'ERR_INVALID_ARGUMENT').toBe(true);
        }
      }),
      RUNS,
    );
  });
});
