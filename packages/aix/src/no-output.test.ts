import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EphemeralPortsError } from '@ephemeral-ports/core';
import { type NoTunable, parseNoAssignments, parseNoX } from './no-output.js';

// Recorded/constructed outputs. The `no -a` lines follow IBM RSCT 3.2 "Ephemeral ports"; the `no -x` layout follows
// IBM Docs and IBM/ansible-power-aix's tunables.py parser (min/max values are unverified, see platform-facts §7).
const NO_X = [
  'tcp_ephemeral_high,65535,65535,65535,32769,65535,numeric,D,',
  'tcp_ephemeral_low,32768,32768,32768,1024,65534,numeric,D,',
  'udp_ephemeral_high,65535,65535,65535,32769,65535,numeric,D,',
  'udp_ephemeral_low,40000,32768,n/a,1024,65534,numeric,D,',
  'ipqmaxlen,100,100,100,100,2147483647,numeric,R,',
  '##Restricted tunables',
  'tcp_fastlo,0,0,0,0,1,boolean,D,tcp_fastlo_crosswpar',
  '',
].join('\n');

const NO_A = [
  '       tcp_ephemeral_high = 65535',
  '        tcp_ephemeral_low = 32768',
  '       udp_ephemeral_high = 65535',
  '        udp_ephemeral_low = 32768',
  '                 ipsrcrouteforward = n/a',
  '           tcp_finwait2 = NONE',
  '',
].join('\n');

describe('AIX no output parsers', () => {
  it('parses no -x with n/a, types, dependencies and the restricted section', () => {
    const t = parseNoX(NO_X);
    expect(t.map((x) => x.name)).toEqual([
      'tcp_ephemeral_high',
      'tcp_ephemeral_low',
      'udp_ephemeral_high',
      'udp_ephemeral_low',
      'ipqmaxlen',
      'tcp_fastlo',
    ]);
    expect(t[1]).toEqual({
      name: 'tcp_ephemeral_low',
      current: 32768,
      default: 32768,
      reboot: 32768,
      min: 1024,
      max: 65534,
      unit: 'numeric',
      type: 'D',
      dependencies: [],
      restricted: false,
    });
    expect(t[3]!.reboot).toBeNull();
    expect(t[4]!.type).toBe('R');
    expect(t[5]).toMatchObject({ restricted: true, dependencies: ['tcp_fastlo_crosswpar'], unit: 'boolean' });
  });

  it('parses the padded no -a form and no -o lines, with n/a and NONE as null', () => {
    const a = parseNoAssignments(NO_A);
    expect(a.get('tcp_ephemeral_low')).toBe(32768);
    expect(a.get('udp_ephemeral_high')).toBe(65535);
    expect(a.get('ipsrcrouteforward')).toBeNull();
    expect(a.get('tcp_finwait2')).toBeNull();
    expect(parseNoAssignments('tcp_ephemeral_low = 49152\n')).toEqual(new Map([['tcp_ephemeral_low', 49152]]));
    expect(parseNoAssignments('tcp_ephemeral_low = 49152\r\n').get('tcp_ephemeral_low')).toBe(49152);
  });

  it.each([
    ['too few fields', 'tcp_ephemeral_low,32768,32768'],
    ['non-numeric current', 'tcp_ephemeral_low,abc,32768,32768,1024,65535,numeric,D,'],
    ['float', 'tcp_ephemeral_low,3.5,32768,32768,1024,65535,numeric,D,'],
    ['hex', 'tcp_ephemeral_low,0x10,32768,32768,1024,65535,numeric,D,'],
    ['empty value', 'tcp_ephemeral_low,,32768,32768,1024,65535,numeric,D,'],
    ['unknown type', 'tcp_ephemeral_low,1,1,1,1,1,numeric,Q,'],
    ['bad name', '1tcp,1,1,1,1,1,numeric,D,'],
    ['huge', 'tcp_ephemeral_low,99999999999999999999,1,1,1,1,numeric,D,'],
  ])('rejects no -x with %s as ERR_EPHEMERAL_PARSE', (_name, line) => {
    expect(() => parseNoX(line)).toThrow(expect.objectContaining({ code: 'ERR_EPHEMERAL_PARSE' }));
  });

  it.each([
    ['no equals sign', 'tcp_ephemeral_low 32768'],
    ['two values', 'tcp_ephemeral_low = 1 2'],
    ['non-number', 'tcp_ephemeral_low = lots'],
    ['bad name', 'a-b = 1'],
  ])('rejects assignments with %s as ERR_EPHEMERAL_PARSE', (_name, line) => {
    expect(() => parseNoAssignments(line)).toThrow(expect.objectContaining({ code: 'ERR_EPHEMERAL_PARSE' }));
  });
});

const value = fc.oneof(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constant(null));
const tunable: fc.Arbitrary<NoTunable> = fc.record({
  name: fc.stringMatching(/^[a-z_][a-z0-9_]{0,30}$/),
  current: value,
  default: value,
  reboot: value,
  min: value,
  max: value,
  unit: fc.constantFrom('numeric', 'boolean', 'second', 'halfsecond', 'byte'),
  type: fc.constantFrom('S', 'D', 'B', 'R', 'C', 'M', 'I', 'd'),
  dependencies: fc.array(fc.stringMatching(/^[a-z_]{1,12}$/), { maxLength: 3 }),
  restricted: fc.constant(false),
});
const show = (v: number | null) => (v === null ? 'n/a' : String(v));
const formatX = (t: NoTunable) =>
  [t.name, show(t.current), show(t.default), show(t.reboot), show(t.min), show(t.max), t.unit, t.type, t.dependencies.join(' ')].join(',');

describe('AIX no output parsers: what real machines print', () => {
  const WANT = ['tcp_ephemeral_low', 'tcp_ephemeral_high'];

  it('no -a: skips unrelated non-integer values ({}), unknown lines, and accepts CRLF, tabs, leading zeros', () => {
    const text = [
      'Warning: some tunables are restricted; use -F to see them',
      '                 arpqsize = 12',
      '\t tcp_ephemeral_high =\t065535',
      '        tcp_ephemeral_low = 32768',
      '          rfc1323_options = {}',
      '         tcp_init_window = 1M',
      '------------------------------',
      '',
    ].join('\r\n');
    const a = parseNoAssignments(text, WANT);
    expect(a.get('tcp_ephemeral_low')).toBe(32768);
    expect(a.get('tcp_ephemeral_high')).toBe(65535);
    expect(a.get('arpqsize')).toBe(12);
    expect(a.has('rfc1323_options')).toBe(false);
  });

  it('no -a: a required tunable that is malformed or missing is ERR_EPHEMERAL_PARSE quoting the line', () => {
    expect(() => parseNoAssignments('tcp_ephemeral_low = {}\ntcp_ephemeral_high = 65535\n', WANT)).toThrow(
      expect.objectContaining({
        code: 'ERR_EPHEMERAL_PARSE',
        message: expect.stringContaining('line 1 "tcp_ephemeral_low = {}"'),
      }),
    );
    expect(() => parseNoAssignments('tcp_ephemeral_low 32768\ntcp_ephemeral_high = 65535\n', WANT)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('line 1 "tcp_ephemeral_low 32768": expected "name = value"') }),
    );
    expect(() => parseNoAssignments('tcp_ephemeral_high = 65535\n', WANT)).toThrow(
      expect.objectContaining({ code: 'ERR_EPHEMERAL_PARSE', message: expect.stringContaining('tcp_ephemeral_low is missing') }),
    );
  });

  it('no -x: skips unknown lines and unrelated tunables with non-numeric fields; CRLF, tabs, leading zeros', () => {
    const text = [
      'no: 1 restricted tunable not shown',
      'rfc1323_options,{},{},{},0,1,boolean,D,',
      'tcp_ephemeral_low,\t032768,32768,32768,1024,65535,numeric,D,tcp_ephemeral_high ',
      'tcp_ephemeral_high,65535,65535,65535,1024,65535,numeric,D,tcp_ephemeral_low ',
      'strange_one,1,1,1,1,1,numeric,Z,',
      '',
    ].join('\r\n');
    const t = parseNoX(text, WANT);
    expect(t.map((x) => x.name)).toEqual(['tcp_ephemeral_low', 'tcp_ephemeral_high']);
    expect(t[0]).toMatchObject({ current: 32768, dependencies: ['tcp_ephemeral_high'] });
  });

  it('no -x: a required tunable with a bad field is ERR_EPHEMERAL_PARSE quoting the line', () => {
    expect(() => parseNoX('tcp_ephemeral_low,lots,32768,32768,1024,65535,numeric,D,\n', WANT)).toThrow(
      expect.objectContaining({
        code: 'ERR_EPHEMERAL_PARSE',
        message: expect.stringContaining('line 1 "tcp_ephemeral_low,lots,32768,32768,1024,65535,numeric,D,": current is not an integer'),
      }),
    );
    expect(() => parseNoX('tcp_ephemeral_high,65535,65535\n', WANT)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('expected 9 comma-separated fields, got 3') }),
    );
  });
});

describe('AIX no output parsers (fuzz)', () => {
  it('round-trips generated no -x lines exactly (10k cases)', () => {
    fc.assert(
      fc.property(fc.array(tunable, { minLength: 1, maxLength: 5 }), (list) => {
        expect(parseNoX(list.map(formatX).join('\n') + '\n')).toEqual(list);
      }),
      { numRuns: 10_000, seed: 6056 },
    );
  });

  it('never crashes and never returns a wrong number on arbitrary or mutated text (10k cases)', () => {
    const base = 'tcp_ephemeral_low,32768,32768,32768,1024,65535,numeric,D,';
    const input = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.tuple(fc.nat(base.length), fc.string({ maxLength: 8 })).map(([at, s]) => base.slice(0, at) + s + base.slice(at)),
    );
    fc.assert(
      fc.property(input, (text) => {
        for (const parse of [parseNoX, parseNoAssignments]) {
          let result: unknown;
          try {
            result = parse(text);
          } catch (error) {
            expect(error).toBeInstanceOf(EphemeralPortsError);
            expect((error as EphemeralPortsError).code).toBe('ERR_EPHEMERAL_PARSE');
            continue;
          }
          // Whatever parsed must be exactly the integers written in the text.
          const numbers = (text.match(/-?\d+/g) ?? []).map(Number);
          const values = parse === parseNoX
            ? (result as NoTunable[]).flatMap((t) => [t.current, t.default, t.reboot, t.min, t.max])
            : [...(result as Map<string, number | null>).values()];
          for (const v of values) if (v !== null) expect(numbers).toContain(v);
        }
      }),
      { numRuns: 10_000, seed: 43946 },
    );
  });
});
