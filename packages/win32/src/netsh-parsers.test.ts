import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EphemeralPortsError } from '@ephemeral-ports/core';
import { parseDynamicPortOutput } from './netsh-dynamicport.js';
import { excludedPortSet, parseExcludedPortRanges } from './netsh-excluded.js';
import { DYNAMICPORT_SAMPLES, EXCLUDED_SAMPLES, withCrlf } from './netsh-samples.fixture.js';

const expectParseError = (fn: () => unknown) => {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(EphemeralPortsError);
  expect((caught as EphemeralPortsError).code).toBe('ERR_EPHEMERAL_PARSE');
};

describe('parseDynamicPortOutput (recorded netsh outputs)', () => {
  for (const sample of DYNAMICPORT_SAMPLES) {
    for (const [ends, text] of [
      ['LF', sample.text],
      ['CRLF', withCrlf(sample.text)],
    ] as const) {
      it(`${sample.name} [${ends}]`, () => {
        const r = parseDynamicPortOutput(text);
        expect(r.start).toBe(sample.start);
        expect(r.count).toBe(sample.count);
        expect(r.range).toEqual({ low: sample.start, high: sample.start + sample.count - 1 });
      });
    }
  }

  it("refuses Wine's empty output with ERR_EPHEMERAL_PARSE saying netsh printed nothing", () => {
    expect(() => parseDynamicPortOutput('')).toThrow(/printed nothing/);
    expectParseError(() => parseDynamicPortOutput('\r\n\r\n'));
  });
  it('refuses a missing value, an extra value, and an impossible range', () => {
    expectParseError(() => parseDynamicPortOutput('Start Port : 49152\n'));
    expectParseError(() => parseDynamicPortOutput('A : 1\nB : 2\nC : 3\n'));
    expectParseError(() => parseDynamicPortOutput('Start Port : 65000\nNumber of Ports : 16384\n'));
    expectParseError(() => parseDynamicPortOutput('Start Port : 0\nNumber of Ports : 16384\n'));
  });
  it('accepts tabs, leading zeros, a UTF-8 BOM and lines it does not know (a note, a banner)', () => {
    const text = '\uFEFF\r\nProtocol tcp Dynamic Port Range\r\n---------\r\nNote: values are read at boot\r\nStart Port\t:\t049152\r\nNumber of Ports\t: 016384 \r\n';
    expect(parseDynamicPortOutput(text)).toMatchObject({ start: 49152, count: 16384 });
  });
  it('quotes what netsh printed in the error', () => {
    expect(() => parseDynamicPortOutput('Start Port : 49152\r\n')).toThrow(/found 1: "Start Port : 49152\\r\\n"/);
  });
  it('reads a full-width colon', () => {
    expect(parseDynamicPortOutput('開始ポート：10000\nポート数：1000').range).toEqual({ low: 10000, high: 10999 });
  });

  it('fuzz: any text either parses to a valid range or throws ERR_EPHEMERAL_PARSE', () => {
    const noisy = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      fc.array(fc.oneof(fc.constantFrom('Start Port', '端口数', ' : ', ':', '\n', '\r\n', '---'), fc.nat(99999).map(String)), {
        maxLength: 12,
      }).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(noisy, (text) => {
        try {
          const r = parseDynamicPortOutput(text);
          expect(r.range.low).toBeGreaterThanOrEqual(1);
          expect(r.range.high).toBeLessThanOrEqual(65535);
          expect(r.range.high - r.range.low + 1).toBe(r.count);
        } catch (e) {
          expect(e).toBeInstanceOf(EphemeralPortsError);
          expect((e as EphemeralPortsError).code).toBe('ERR_EPHEMERAL_PARSE');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('fuzz: a generated table in any label language parses back to its numbers', () => {
    const label = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((s) => !/[:：\r\n]/.test(s));
    fc.assert(
      fc.property(label, label, label, fc.integer({ min: 1, max: 65535 }), fc.nat(65535), (title, a, b, start, n) => {
        const count = 1 + (n % (65536 - start));
        // The title line has no colon (as in every real output), so it is never taken for a value line.
        const text = `\r\n${title}\r\n-----\r\n${a} : ${start}\r\n${b}: ${count}\r\n`;
        expect(parseDynamicPortOutput(text)).toMatchObject({ start, count });
      }),
    );
  });
});

describe('parseExcludedPortRanges (recorded netsh outputs)', () => {
  for (const sample of EXCLUDED_SAMPLES) {
    for (const [ends, text] of [
      ['LF', sample.text],
      ['CRLF', withCrlf(sample.text)],
    ] as const) {
      it(`${sample.name} [${ends}]`, () => {
        const rows = parseExcludedPortRanges(text);
        expect(rows.map((r) => [r.low, r.high, r.administered])).toEqual(sample.rows);
      });
    }
  }

  it('merges adjacent system blocks into one port set', () => {
    const rows = parseExcludedPortRanges(EXCLUDED_SAMPLES[0].text);
    expect(excludedPortSet(rows).toString()).toBe('1061-1860,2919-3018,5357,14522-14621,50000-50059');
  });
  it("refuses Wine's empty output and a table without separator", () => {
    expect(() => parseExcludedPortRanges('')).toThrow(/printed nothing/);
    expectParseError(() => parseExcludedPortRanges('Start Port End Port\n 5357 5357\n'));
  });
  it('refuses garbage rows and impossible ranges', () => {
    expectParseError(() => parseExcludedPortRanges('----  ----\n 5357 abc\n'));
    expectParseError(() => parseExcludedPortRanges('----  ----\n 6000 5000\n'));
    expectParseError(() => parseExcludedPortRanges('----  ----\n 6000 70000\n'));
    expectParseError(() => parseExcludedPortRanges('----  ----\n 6000 6001 #\n'));
  });

  it('fuzz: any text either parses to valid rows or throws ERR_EPHEMERAL_PARSE', () => {
    const noisy = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      fc
        .array(fc.oneof(fc.constantFrom('----------    --------', '\n', '\r\n', ' ', '*', '* - x', '\t'), fc.nat(99999).map(String)), {
          maxLength: 16,
        })
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(noisy, (text) => {
        try {
          for (const r of parseExcludedPortRanges(text)) {
            expect(r.low).toBeGreaterThanOrEqual(1);
            expect(r.high).toBeLessThanOrEqual(65535);
            expect(r.low).toBeLessThanOrEqual(r.high);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(EphemeralPortsError);
          expect((e as EphemeralPortsError).code).toBe('ERR_EPHEMERAL_PARSE');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('fuzz: generated tables under any header language parse back exactly, marker included', () => {
    const row = fc
      .tuple(fc.integer({ min: 1, max: 65535 }), fc.nat(500), fc.boolean())
      .map(([low, n, administered]) => ({ low, high: Math.min(65535, low + n), administered }));
    const header = fc.string({ unit: 'grapheme', maxLength: 30 }).filter((s) => !/[\r\n]/.test(s) && !/^\s*-{3,}/.test(s));
    fc.assert(
      fc.property(header, header, fc.array(row, { maxLength: 20 }), (title, columns, rows) => {
        const body = rows
          .map((r) => `${String(r.low).padStart(10)}  ${String(r.high).padStart(10)}${r.administered ? '     *' : ''}`)
          .join('\r\n');
        const text = `\r\n${title}\r\n\r\n${columns}\r\n----------    --------\r\n${body}\r\n\r\n* - legend\r\n`;
        expect(parseExcludedPortRanges(text)).toEqual(rows);
      }),
    );
  });
});
