/**
 * Parsers of the sysctl(8) fallback on FreeBSD and macOS output. The recordings are reconstructed from the
 * documented formats (see recordings/README.md): no BSD machine is available here.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EphemeralPortsError } from '@ephemeral-ports/core';
import {
  BSD_OIDS,
  BSD_READ_KEYS,
  parseSysctlListing,
  parseSysctlValues,
  portRangesFromListing,
  portRangesFromValues,
  sysctlCommandError,
} from '@ephemeral-ports/bsd';

const recording = (name: string) => readFileSync(new URL(`./recordings/${name}`, import.meta.url), 'utf8');

describe('sysctl output parsers (reconstructed FreeBSD / macOS recordings)', () => {
  it('FreeBSD 14 `sysctl net.inet.ip.portrange`: every range, reserved bounds and randomized', () => {
    const r = portRangesFromListing('freebsd', recording('freebsd-14-portrange.txt'));
    expect(r).toEqual({
      default: { low: 10000, high: 65535 },
      raw: { first: 10000, last: 65535 },
      swapped: false,
      high: { low: 49152, high: 65535 },
      low: { low: 600, high: 1023 },
      reservedLow: 0,
      reservedHigh: 1023,
      randomized: true,
    });
  });

  it('FreeBSD 11 with extra OIDs and first > last: ignores the extras, orders the swapped pair', () => {
    const text = recording('freebsd-11-swapped-portrange.txt');
    expect(parseSysctlListing(text).get('net.inet.ip.portrange.randomcps')).toBe('10');
    const r = portRangesFromListing('freebsd', text);
    expect(r.default).toEqual({ low: 5000, high: 49152 });
    expect(r.swapped).toBe(true);
    expect(r.raw).toEqual({ first: 49152, last: 5000 });
  });

  it('macOS 14 `sysctl net.inet.ip.portrange`: no reserved bounds or randomized', () => {
    const r = portRangesFromListing('darwin', recording('macos-14-portrange.txt'));
    expect(r.default).toEqual({ low: 49152, high: 65535 });
    expect(r.high).toEqual({ low: 49152, high: 65535 });
    expect(r).not.toHaveProperty('reservedLow');
    expect(r).not.toHaveProperty('randomized');
  });

  it('a FreeBSD listing read as macOS works; a macOS listing read as FreeBSD names the missing OID', () => {
    expect(portRangesFromListing('darwin', recording('freebsd-14-portrange.txt')).default.low).toBe(10000);
    expect(() => portRangesFromListing('freebsd', recording('macos-14-portrange.txt'))).toThrow(
      expect.objectContaining({ code: 'ERR_EPHEMERAL_PARSE', message: expect.stringContaining('reservedlow is missing') }),
    );
  });

  it.each([
    ['freebsd', 'freebsd-14-n.txt', 10000],
    ['darwin', 'macos-14-n.txt', 49152],
  ] as const)('%s `sysctl -n <names>` (%s) maps values by position', (os, file, first) => {
    const names = BSD_READ_KEYS[os].map((k) => BSD_OIDS[k]);
    const values = parseSysctlValues(recording(file), names);
    expect(values).toHaveLength(names.length);
    expect(portRangesFromValues(os, values).default).toEqual({ low: first, high: 65535 });
  });

  it.each([
    ['too few lines', '10000\n', 'expected 2 line(s)'],
    ['too many lines', '10000\n65535\n1\n', 'expected 2 line(s)'],
    ['a word', '10000\nlots\n', 'line 2 "lots": net.inet.ip.portrange.last is not an integer'],
    ['a float', '10000\n65535.5\n', 'line 2 "65535.5"'],
    ['an int overflow', '10000\n99999999999\n', 'line 2 "99999999999": net.inet.ip.portrange.last does not fit a C int'],
    ['a value missing (blank line inside)', '\n65535\n', 'expected 2 line(s) for net.inet.ip.portrange.first net.inet.ip.portrange.last, got 1: "65535"'],
  ])('`-n` output with %s is ERR_EPHEMERAL_PARSE', (_name, text, message) => {
    expect(() => parseSysctlValues(text, [BSD_OIDS.first, BSD_OIDS.last])).toThrow(
      expect.objectContaining({ code: 'ERR_EPHEMERAL_PARSE', message: expect.stringContaining(message) }),
    );
  });

  it('accepts CRLF, tabs, padding, blank lines, leading zeros and a missing final newline', () => {
    const names = [BSD_OIDS.first, BSD_OIDS.last];
    expect(parseSysctlValues('10000\r\n65535', names)).toEqual([10000, 65535]);
    expect(parseSysctlValues('\r\n\t010000 \r\n\r\n  +65535\t\r\n\r\n', names)).toEqual([10000, 65535]);
  });

  it('a listing accepts CRLF, tabs, `name=value` (sysctl -e), and skips lines that name no OID', () => {
    const names = BSD_READ_KEYS.darwin.map((k) => BSD_OIDS[k]);
    const messy = [
      'sysctl: warning: this banner is not an OID line',
      ...names.map((n, i) => (i % 2 ? `${n}:\t${i === 1 ? '065535' : i + 1024}` : `\t${n}=${i + 1024}`)),
      'net.inet.ip.portrange.ipport_allow_udp_port_exhaustion: {}',
      '',
    ].join('\r\n');
    const r = portRangesFromListing('darwin', messy);
    expect(r.raw).toEqual({ first: 1024, last: 65535 });
    expect(parseSysctlListing(messy).get('net.inet.ip.portrange.ipport_allow_udp_port_exhaustion')).toBe('{}');
  });

  it('one of our values that is not a port or not an integer is ERR_EPHEMERAL_PARSE, quoting the line', () => {
    const high = recording('macos-14-portrange.txt').replace('last: 65535', 'last: 70000');
    expect(() => portRangesFromListing('darwin', high)).toThrow(expect.objectContaining({ code: 'ERR_EPHEMERAL_PARSE' }));
    const word = recording('macos-14-portrange.txt').replace('last: 65535', 'last: lots');
    expect(() => portRangesFromListing('darwin', word)).toThrow(
      expect.objectContaining({
        code: 'ERR_EPHEMERAL_PARSE',
        message: expect.stringContaining('line 4 "net.inet.ip.portrange.last: lots"'),
      }),
    );
  });

  it.each([
    ["sysctl: unknown oid 'net.inet.ip.portrange.reservedlow'", 'ENOENT', -2, 'net.inet.ip.portrange.reservedlow'],
    ['sysctl: net.inet.ip.portrange.first=49152: Operation not permitted', 'EPERM', -1, 'net.inet.ip.portrange.first'],
    ['sysctl: net.inet.ip.portrange.last=1: Invalid argument', 'EINVAL', -22, 'net.inet.ip.portrange.last'],
  ])('stderr %j → %s', (stderr, code, errno, path) => {
    const e = sysctlCommandError('freebsd', '/sbin/sysctl', ['-n'], 1, stderr);
    expect(e).toMatchObject({ code, errno, path, syscall: 'sysctl' });
  });

  it('unrecognised stderr is ERR_EPHEMERAL_COMMAND_FAILED with the text', () => {
    const e = sysctlCommandError('darwin', '/usr/sbin/sysctl', ['-n', 'x'], 3, 'something odd\n');
    expect(e).toMatchObject({ code: 'ERR_EPHEMERAL_COMMAND_FAILED', path: '/usr/sbin/sysctl' });
    expect(e.message).toContain('exited with 3: something odd');
  });
});

describe('sysctl output parsers (fuzz)', () => {
  const names = BSD_READ_KEYS.freebsd.map((k) => BSD_OIDS[k]);
  const pad = fc.constantFrom('', ' ', '\t', '  \t');
  const eol = fc.constantFrom('\n', '\r\n');

  it('a generated listing in any layout (separators, padding, CRLF, leading zeros, noise lines) parses back', () => {
    const value = (name: string) => (name.endsWith('randomized') ? fc.integer({ min: 0, max: 1 }) : fc.integer({ min: 1024, max: 65535 }));
    fc.assert(
      fc.property(
        fc.tuple(...names.map(value)),
        fc.array(fc.tuple(pad, fc.constantFrom(': ', '=', ':\t', ' = '), pad, fc.nat(3), eol), { minLength: names.length, maxLength: names.length }),
        fc.array(fc.constantFrom('sysctl: oops', '# note', 'net.inet.ip.portrange.randomtime: 45', 'x: {}'), { maxLength: 3 }),
        (values, layout, noise) => {
          const text =
            noise.join('\n') +
            '\n' +
            names
              .map((n, i) => {
                const [a, sep, b, zeros, end] = layout[i]!;
                return `${a}${n}${sep}${'0'.repeat(zeros)}${values[i]}${b}${end}`;
              })
              .join('');
          const r = portRangesFromListing('freebsd', text);
          expect(r.raw).toEqual({ first: values[0], last: values[1] });
          expect(r.randomized).toBe(values[8] === 1);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('any text either parses or throws ERR_EPHEMERAL_PARSE; a number returned is one written in the text', () => {
    const two = [BSD_OIDS.first, BSD_OIDS.last];
    const text = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.array(fc.oneof(fc.nat(99999).map(String), fc.constantFrom('\n', '\r\n', '\t', ' ', '-', '+', 'x', '0')), { maxLength: 12 }).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        try {
          const values = parseSysctlValues(t, two);
          const written = (t.match(/\d+/g) ?? []).map(Number);
          for (const v of values) expect(written).toContain(Math.abs(v));
        } catch (e) {
          expect(e).toBeInstanceOf(EphemeralPortsError);
          expect((e as EphemeralPortsError).code).toBe('ERR_EPHEMERAL_PARSE');
        }
      }),
      { numRuns: 3000 },
    );
  });
});
