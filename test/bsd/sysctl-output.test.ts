/**
 * Parsers of the sysctl(8) fallback on FreeBSD and macOS output. The recordings are reconstructed from the
 * documented formats (see recordings/README.md): no BSD machine is available here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
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
    ['a word', '10000\nlots\n', 'not an integer'],
    ['a float', '10000\n65535.5\n', 'not an integer'],
    ['an int overflow', '10000\n99999999999\n', ''],
    ['an empty line inside', '\n65535\n', 'not an integer'],
  ])('`-n` output with %s is ERR_EPHEMERAL_PARSE', (_name, text, message) => {
    expect(() => parseSysctlValues(text, [BSD_OIDS.first, BSD_OIDS.last])).toThrow(
      expect.objectContaining({ code: 'ERR_EPHEMERAL_PARSE', message: expect.stringContaining(message) }),
    );
  });

  it('accepts CRLF and a missing final newline', () => {
    expect(parseSysctlValues('10000\r\n65535', [BSD_OIDS.first, BSD_OIDS.last])).toEqual([10000, 65535]);
  });

  it('a listing line without "name: value" is ERR_EPHEMERAL_PARSE; a port value above 65535 too', () => {
    expect(() => parseSysctlListing('net.inet.ip.portrange.first=10000\n')).toThrow(
      expect.objectContaining({ code: 'ERR_EPHEMERAL_PARSE' }),
    );
    const text = recording('macos-14-portrange.txt').replace('last: 65535', 'last: 70000');
    expect(() => portRangesFromListing('darwin', text)).toThrow(expect.objectContaining({ code: 'ERR_EPHEMERAL_PARSE' }));
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
