import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EphemeralPortsError, MAX_PORT, type PortRange, PortSet } from '@ephemeral-ports/core';
import {
  formatRangeText,
  formatReservedText,
  parseRangeText,
  parseReservedText,
  parseUnprivilegedStartText,
} from './procfs-format.js';

const RUNS = { numRuns: 1000 };
const portArb = fc.oneof(fc.integer({ min: 0, max: MAX_PORT }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: MAX_PORT - 40, max: MAX_PORT }));
const rangeArb: fc.Arbitrary<PortRange> = fc.tuple(portArb, portArb).map(([a, b]) => ({ low: Math.min(a, b), high: Math.max(a, b) }));
/** ASCII whitespace the kernel's parser skips. */
const wsArb = fc.string({ unit: fc.constantFrom(' ', '\t', '\n'), minLength: 1, maxLength: 3 });
const optWsArb = fc.string({ unit: fc.constantFrom(' ', '\t', '\n'), maxLength: 3 });

/** The EphemeralPortsError `fn` throws (null when it returns); any other error fails the test. */
function errorOf(fn: () => unknown): EphemeralPortsError | null {
  try {
    fn();
    return null;
  } catch (e) {
    if (!(e instanceof EphemeralPortsError)) throw e;
    return e;
  }
}

describe('ip_local_port_range text', () => {
  it('parses the kernel read form (TAB, newline) and the write form; formats the write form', () => {
    expect(parseRangeText('32768\t60999\n')).toEqual({ low: 32768, high: 60999 });
    expect(parseRangeText('49152 65535\n')).toEqual({ low: 49152, high: 65535 });
    expect(parseRangeText('  1024 \t\t 1024  ')).toEqual({ low: 1024, high: 1024 });
    expect(formatRangeText({ low: 49152, high: 65535 })).toBe('49152 65535\n');
  });

  const malformed: [string, string, RegExp][] = [
    ['empty', '', /expected two numbers, found 0/],
    ['one number', '32768\n', /found 1/],
    ['three numbers', '1 2 3', /found 3/],
    ['a dash', '32768-60999', /expected two numbers, found 1/],
    ['a sign', '-1 60999', /not a decimal/],
    ['hex', '0x8000 60999', /hexadecimal to the kernel/],
    ['leading zero', '032768 60999', /leading zeros/],
    ['above 65535', '32768 65536', /above 65535/],
    ['a huge number', '32768 99999999999999999999999', /above 65535/],
    ['inverted', '60999 32768', /first number \(60999\) is above the second \(32768\)/],
    ['a fraction', '1.5 2', /not a decimal/],
  ];
  it.each(malformed)('%s → ERR_EPHEMERAL_PARSE with the file path', (_name, text, message) => {
    const error = errorOf(() => parseRangeText(text));
    expect(error).toMatchObject({ code: 'ERR_EPHEMERAL_PARSE', path: '/proc/sys/net/ipv4/ip_local_port_range' });
    expect(error!.message).toMatch(message);
  });

  it('format → parse is the identity, for the kernel and the write form and any surrounding whitespace (property)', () => {
    fc.assert(
      fc.property(rangeArb, optWsArb, wsArb, optWsArb, (r, a, b, c) => {
        expect(parseRangeText(`${r.low}\t${r.high}\n`)).toEqual(r);
        expect(parseRangeText(formatRangeText(r))).toEqual(r);
        expect(parseRangeText(`${a}${r.low}${b}${r.high}${c}`)).toEqual(r);
      }),
      RUNS,
    );
  });

  it('throws only ERR_EPHEMERAL_PARSE on any text, and returns exactly the numbers written (property)', () => {
    const textArb = fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom('0', '1', '5', '9', '-', ',', ' ', '\t', '\n', '6', '.') }), fc.anything());
    fc.assert(
      fc.property(textArb, (text) => {
        const error = errorOf(() => parseRangeText(text as string));
        if (error) expect(error.code).toBe('ERR_EPHEMERAL_PARSE');
        else {
          const r = parseRangeText(text as string);
          expect((text as string).trim().split(/\s+/)).toEqual([String(r.low), String(r.high)]);
        }
      }),
      RUNS,
    );
  });
});

describe('ip_local_reserved_ports text', () => {
  it('parses and formats lists as the kernel prints them, including the empty list', () => {
    expect(parseReservedText('\n').isEmpty).toBe(true);
    const set = parseReservedText('1,2-4,10-10,8000-8100\n');
    expect(set.toString()).toBe('1-4,10,8000-8100');
    expect(formatReservedText(set)).toBe('1-4,10,8000-8100\n');
    expect(formatReservedText(PortSet.EMPTY)).toBe('\n');
  });

  it('refuses what the kernel never prints with ERR_EPHEMERAL_PARSE and the file path', () => {
    for (const text of ['1 2', '1024 15999', '9-3', '08', '1,,2']) {
      expect(errorOf(() => parseReservedText(text))).toMatchObject({
        code: 'ERR_EPHEMERAL_PARSE',
        path: '/proc/sys/net/ipv4/ip_local_reserved_ports',
      });
    }
  });
});

describe('ip_unprivileged_port_start text', () => {
  it('parses one port number', () => {
    expect(parseUnprivilegedStartText('1024\n')).toBe(1024);
    expect(parseUnprivilegedStartText('0\n')).toBe(0);
  });

  it.each(['99999\n', '', '1 2', '-1', '010'])('refuses %j with ERR_EPHEMERAL_PARSE', (text) => {
    expect(errorOf(() => parseUnprivilegedStartText(text))).toMatchObject({
      code: 'ERR_EPHEMERAL_PARSE',
      path: '/proc/sys/net/ipv4/ip_unprivileged_port_start',
    });
  });
});
