import { describe, expect, it } from 'vitest';
import { TARGET_OSES } from './platform.js';
import {
  DEFAULTS_SUBJECTS,
  DEFAULT_RANGES,
  KNOWN_OSES,
  type DefaultsSubject,
  compareVersions,
  defaultProtocolRange,
  defaultRange,
  parseReleaseVersion,
} from './defaults.js';
import { rangeSize } from './range.js';
import { validateRange } from './validate.js';

const table: [DefaultsSubject, string | undefined, [number, number], 'version' | 'current' | 'only'][] = [
  ['linux', '6.1.0-18-amd64', [32768, 60999], 'version'],
  ['linux', '4.2.0', [32768, 60999], 'version'],
  ['linux', '4.2', [32768, 60999], 'version'],
  ['linux', '5.15.0-1057-azure', [32768, 60999], 'version'],
  ['linux', '4.1.12', [32768, 61000], 'version'],
  ['linux', '3.10.0-1160.el7.x86_64', [32768, 61000], 'version'],
  ['linux', '2.6.32', [32768, 61000], 'version'],
  ['linux', undefined, [32768, 60999], 'current'],
  ['linux', 'unknown', [32768, 60999], 'current'],
  ['freebsd', '14.1-RELEASE', [10000, 65535], 'version'],
  ['freebsd', '10.0-RELEASE', [10000, 65535], 'version'],
  ['freebsd', '9.3-RELEASE-p53', [49152, 65535], 'version'],
  ['freebsd', '4.6-RELEASE', [49152, 65535], 'version'],
  ['freebsd', '4.5-RELEASE', [1024, 5000], 'version'],
  ['freebsd', '3.4', [1024, 5000], 'version'],
  ['freebsd', undefined, [10000, 65535], 'current'],
  ['darwin', '23.4.0', [49152, 65535], 'only'],
  ['darwin', undefined, [49152, 65535], 'only'],
  ['openbsd', '7.5', [1024, 49151], 'only'],
  ['netbsd', '10.0', [49152, 65535], 'only'],
  ['illumos', undefined, [32768, 65535], 'only'],
  ['sunos', '5.11', [32768, 65535], 'only'],
  ['aix', '7.3', [32768, 65535], 'only'],
  ['win32', '10.0.19045', [49152, 65535], 'version'],
  ['win32', '6.0.6002', [49152, 65535], 'version'],
  ['win32', '6.1.7601', [49152, 65535], 'version'],
  ['win32', '5.1.2600', [1025, 5000], 'version'],
  ['win32', '5.2.3790', [1025, 5000], 'version'],
  ['win32', 'Windows 11', [49152, 65535], 'current'],
  ['iana', undefined, [49152, 65535], 'only'],
  ['rfc6056', undefined, [1024, 65535], 'only'],
];

describe('defaultRange (table)', () => {
  it.each(table)('%s %s → %j (%s)', (os, version, [low, high], basis) => {
    const d = defaultRange(os, version);
    expect(d.range).toEqual({ low, high });
    expect(d.basis).toBe(basis);
    expect(d.os).toBe(os);
    expect(d.source.length).toBeGreaterThan(5);
    if (basis === 'current') {
      expect(d.note).toMatch(version === undefined ? /no release given/ : /cannot read a version/);
    } else {
      expect(d.note).toBeUndefined();
    }
  });

  it('carries the FreeBSD high and low ranges (lowfirst 1023 > lowlast 600)', () => {
    const d = defaultRange('freebsd');
    expect(d.high).toEqual({ low: 49152, high: 65535 });
    expect(d.low).toEqual({ range: { low: 600, high: 1023 }, swapped: true });
    expect(defaultRange('openbsd').high).toEqual({ low: 49152, high: 65535 });
    expect(defaultRange('darwin').low?.swapped).toBe(true);
  });

  it('flags what platform-facts.md marks unverified', () => {
    expect(defaultRange('freebsd', '14.1-RELEASE').unverified).toBe(true);
    expect(defaultRange('freebsd', '14.1-RELEASE').unverifiedReason).toMatch(/10\.0/);
    expect(defaultRange('freebsd', '9.0').unverified).toBe(true);
    expect(defaultRange('linux').unverified).toBe(false);
    expect(defaultRange('linux').source).toMatch(/07f4c90062f8/);
    expect(defaultRange('linux', '3.2').notes?.join(' ')).toMatch(/unverified/);
    expect(defaultRange('win32').source).toMatch(/KB929851/);
  });

  it('gives AIX, illumos and Windows per protocol', () => {
    for (const os of ['aix', 'illumos', 'win32'] as const) {
      const d = defaultRange(os);
      expect(d.protocols?.tcp).toEqual(d.range);
      expect(d.protocols?.udp).toBeDefined();
    }
    expect(defaultProtocolRange('aix', 'udp')).toEqual({ low: 32768, high: 65535 });
    expect(defaultProtocolRange('linux', 'udp')).toEqual({ low: 32768, high: 60999 });
  });

  it("Windows entries agree with their native start + count", () => {
    for (const e of DEFAULT_RANGES.win32) {
      expect(e.windows).toBeDefined();
      expect({ low: e.windows!.start, high: e.windows!.start + e.windows!.count - 1 }).toEqual(e.range);
    }
    expect(defaultRange('win32').windows).toEqual({ start: 49152, count: 16384 });
  });

  it('every default of a backend OS passes that OS validation (a default is always settable)', () => {
    for (const os of TARGET_OSES) {
      for (const e of DEFAULT_RANGES[os]) {
        // pre-4.11 Linux had no unprivileged-start check, and XP's 1025 is Windows' own minimum start
        const result = validateRange(os, e.range, { unprivilegedPortStart: 1024 });
        expect(result.errors, `${os} ${e.releases}`).toEqual([]);
      }
    }
  });

  it('has entries for every subject, version bounds that tile without gaps, and frozen data', () => {
    expect(KNOWN_OSES).toEqual(expect.arrayContaining([...TARGET_OSES, 'openbsd', 'netbsd', 'illumos', 'sunos']));
    for (const s of DEFAULTS_SUBJECTS) {
      const entries = DEFAULT_RANGES[s];
      expect(entries.length, s).toBeGreaterThan(0);
      expect(entries[0]!.until, `${s}: first entry is current`).toBeUndefined();
      for (let i = 0; i + 1 < entries.length; i++) {
        expect(entries[i]!.since, s).toEqual(entries[i + 1]!.until);
      }
      for (const e of entries) expect(rangeSize(e.range)).toBeGreaterThan(0);
    }
    expect(Object.isFrozen(DEFAULT_RANGES.linux[0]!.range)).toBe(true);
    expect(Object.isFrozen(DEFAULT_RANGES.linux)).toBe(true);
    expect(Object.isFrozen(defaultRange('linux'))).toBe(true);
  });

  it.each([['plan9'], ['__proto__'], ['toString'], ['']])('unknown OS %j → ERR_INVALID_ARG_VALUE', (os) => {
    expect(() => defaultRange(os as DefaultsSubject)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });

  it('a non-string version → ERR_INVALID_ARG_TYPE (a TypeError)', () => {
    expect(() => defaultRange('linux', 4.2 as unknown as string)).toThrow(TypeError);
    expect(() => defaultRange('linux', 4.2 as unknown as string)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });
});

describe('release versions', () => {
  it.each([
    ['6.1.0-18-amd64', [6, 1, 0]],
    ['4.1.12', [4, 1, 12]],
    ['14.1-RELEASE', [14, 1]],
    ['10.0.19045', [10, 0, 19045]],
    ['5.1.2600', [5, 1, 2600]],
    ['v20.1', [20, 1]],
    ['Windows 10', null],
    ['', null],
  ])('%j → %j', (text, expected) => {
    expect(parseReleaseVersion(text)).toEqual(expected);
  });

  it('compares with missing parts as zero', () => {
    expect(compareVersions([4, 2], [4, 2, 0])).toBe(0);
    expect(compareVersions([4, 1, 12], [4, 2])).toBe(-1);
    expect(compareVersions([4, 10], [4, 2])).toBe(1);
    expect(compareVersions([10], [9, 99])).toBe(1);
  });
});
