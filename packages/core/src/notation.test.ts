import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEphemeralPortsError } from './errors.js';
import {
  parsePortListText,
  parsePortArgument,
  parsePortListArgument,
  parsePortListEntries,
  parseRangeArgument,
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

/** Runs `fn` and returns the EphemeralPortsError code it throws, or null when it returns. */
function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    if (!isEphemeralPortsError(e)) throw e;
    return e.code;
  }
}

describe('Linux ip_local_reserved_ports', () => {
  it('parses lists, normalizing like the kernel', () => {
    expect(parsePortListText('1,2-4,10').toString()).toBe('1-4,10');
    expect(parsePortListText('1-4,10\n').toString()).toBe('1-4,10');
    expect(parsePortListText('10-10,3,1-2').toJSON()).toEqual([
      { low: 1, high: 3 },
      { low: 10, high: 10 },
    ]);
    expect(parsePortListText('').isEmpty).toBe(true);
    expect(parsePortListText('\n').isEmpty).toBe(true);
    expect(parsePortListText('0,65535').size).toBe(2);
  });

  it("PortSet's text form is exactly what the kernel prints", () => {
    expect(PortSet.fromPorts([10, 1, 2, 3, 4]).toString()).toBe('1-4,10');
    expect(PortSet.of({ low: 7, high: 7 }, { low: 8, high: 9 }).toString()).toBe('7-9');
    expect(PortSet.EMPTY.toString()).toBe('');
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
    expect(codeOf(() => parsePortListText(text))).toBe('ERR_EPHEMERAL_PARSE');
  });

  it('format → parse is the identity, with or without the newline (property)', () => {
    fc.assert(
      fc.property(setArb, (set) => {
        expect(parsePortListText(set.toString()).equals(set)).toBe(true);
        expect(parsePortListText(`${set.toString()}\n`).equals(set)).toBe(true);
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
        const parsed = parsePortListText(items.map((i) => i.text).join(','));
        expect(parsed.equals(PortSet.fromRanges(items.map((i) => i.r)))).toBe(true);
        // the kernel's normalised output of that list parses to the same set
        expect(parsePortListText(`${parsed.toString()}\n`).equals(parsed)).toBe(true);
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
    ['49152\t65535\n'],
    ['49152 \t 65535'],
  ])('accepts %j', (text) => {
    expect(parseRangeArgument(text)).toEqual({ low: 49152, high: 65535 });
  });

  it.each([['49152'], ['65535-49152'], ['49152-65536'], ['a-b'], ['1-2-3'], [''], ['-1-5'], ['0800-0900'], ['1..2']])(
    'refuses %j with ERR_INVALID_ARG_VALUE (a TypeError)',
    (text) => {
      expect(codeOf(() => parseRangeArgument(text))).toBe('ERR_INVALID_ARG_VALUE');
      expect(() => parseRangeArgument(text)).toThrow(TypeError);
    },
  );

  it('says what it expected', () => {
    expect(() => parseRangeArgument('65535-49152', '--node-port-range')).toThrow(
      'The "--node-port-range" argument has low (65535) above high (49152); expected LOW-HIGH, LOW:HIGH or ' +
        '"LOW HIGH" (e.g. 32768-60999). Received type string ("65535-49152")',
    );
    expect(codeOf(() => parseRangeArgument(32768 as never))).toBe('ERR_INVALID_ARG_TYPE');
  });

  it('round trips every separator (property)', () => {
    fc.assert(
      fc.property(rangeArb, fc.constantFrom('-', ' ', ':', ','), (r, sep) => {
        expect(parseRangeArgument(`${r.low}${sep}${r.high}`)).toEqual(r);
      }),
      RUNS,
    );
  });

  it('reads port lists: `,` or whitespace between entries, spaces around `-`, `none` for empty', () => {
    expect(parsePortListArgument('80, 443, 8000 - 8100').toString()).toBe('80,443,8000-8100');
    expect(parsePortListArgument('8080 9000-9100').toString()).toBe('8080,9000-9100');
    expect(parsePortListArgument(' 22 ').toString()).toBe('22');
    expect(parsePortListArgument('').isEmpty).toBe(true);
    expect(parsePortListArgument('none').isEmpty).toBe(true);
    for (const bad of ['80,x', 'http', '9-3', '70000', '1--2', '080', '8080,,9000', '8080, ,9000', '3000,', ',3000']) {
      expect(codeOf(() => parsePortListArgument(bad)), bad).toBe('ERR_EPHEMERAL_INVALID_PORT_LIST');
    }
    expect(() => parsePortListArgument('9-3, 80, x')).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/^invalid ports: entry "9-3" has low \(9\) above high \(3\); entry "x" is not PORT or LOW-HIGH;/),
        violations: [expect.objectContaining({ code: 'PORTS_BAD_ENTRY' }), expect.objectContaining({ code: 'PORTS_BAD_ENTRY' })],
      }),
    );
    expect(codeOf(() => parsePortListArgument(80 as never))).toBe('ERR_INVALID_ARG_TYPE');
  });

  it('gives a list\'s entries in the order typed, checked as the list is', () => {
    expect(parsePortListEntries('9000 - 9002, 80 443')).toEqual([{ low: 9000, high: 9002 }, { low: 80, high: 80 }, { low: 443, high: 443 }]);
    expect(parsePortListEntries('none')).toEqual([]);
    expect(codeOf(() => parsePortListEntries('80,,443'))).toBe('ERR_EPHEMERAL_INVALID_PORT_LIST');
  });

  it('reads single ports', () => {
    expect(parsePortArgument(' 8080 ')).toBe(8080);
    expect(parsePortArgument('0')).toBe(0);
    for (const bad of ['65536', '-1', '80x', '', '1e3', '080']) {
      expect(codeOf(() => parsePortArgument(bad))).toBe('ERR_INVALID_ARG_VALUE');
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
        const code = codeOf(() => parsePortListText(text));
        expect(code === null || code === 'ERR_EPHEMERAL_PARSE').toBe(true);
      }),
      RUNS,
    );
  });

  it('non-string and odd-shaped inputs are ERR_EPHEMERAL_PARSE too', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        for (const parse of [
          parsePortListText,
        ] as ((v: unknown) => unknown)[]) {
          const code = codeOf(() => parse(value));
          expect(code === null || code === 'ERR_EPHEMERAL_PARSE').toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('the human-input parsers throw only their documented codes, ERR_INVALID_ARG_TYPE for a non-string', () => {
    const textCodes = new Map<(t: string) => unknown, string>([
      [parseRangeArgument, 'ERR_INVALID_ARG_VALUE'],
      [parsePortArgument, 'ERR_INVALID_ARG_VALUE'],
      [parsePortListArgument, 'ERR_EPHEMERAL_INVALID_PORT_LIST'],
    ]);
    fc.assert(
      fc.property(fc.oneof(textArb, fc.anything()), (value) => {
        for (const [parse, textCode] of textCodes) {
          const code = codeOf(() => parse(value as string));
          const expected = typeof value === 'string' ? textCode : 'ERR_INVALID_ARG_TYPE';
          expect(code === null || code === expected).toBe(true);
        }
      }),
      RUNS,
    );
  });
});
