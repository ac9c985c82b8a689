import { describe, expect, it } from 'vitest';
import { SYSCTL_CONF_COMMENT, parseSysctlConf, updateSysctlConf } from './sysctl-conf.js';

const F = 'net.inet.ip.portrange.first';
const L = 'net.inet.ip.portrange.last';

const STOCK = `# $FreeBSD$
#
#  This file is read when going to multi-user and its contents piped thru
#  \`\`sysctl'' to adjust kernel values.  \`\`man 5 sysctl.conf'' for details.
#

# Uncomment this to prevent users from seeing information about processes that
# are being run under another UID.
#security.bsd.see_other_uids=0
vfs.zfs.min_auto_ashift=12
`;

describe('FreeBSD sysctl.conf', () => {
  it('appends our lines under a comment and keeps every other line', () => {
    const out = updateSysctlConf(STOCK, [
      [L, '61000'],
      [F, '60000'],
    ]);
    expect(out).toBe(`${STOCK}${SYSCTL_CONF_COMMENT}\n${L}=61000\n${F}=60000\n`);
    expect(parseSysctlConf(out)).toEqual(
      new Map([
        ['vfs.zfs.min_auto_ashift', '12'],
        [L, '61000'],
        [F, '60000'],
      ]),
    );
  });

  it('updates existing lines in place (inline comments kept, commented-out lines untouched) and is idempotent', () => {
    const before = `#${F}=1\n${F}=49152 # mine\nkern.foo=1\n${L}=65535\r\n`;
    const once = updateSysctlConf(before, [
      [F, '20000'],
      [L, '30000'],
    ]);
    expect(once).toBe(`#${F}=1\n${F}=20000 # mine\nkern.foo=1\n${L}=30000\r\n`);
    expect(updateSysctlConf(once, [
      [F, '20000'],
      [L, '30000'],
    ])).toBe(once);
  });

  it('a later line wins when a name repeats, as at boot', () => {
    expect(parseSysctlConf(`${F}=1000\n${F}=2000\n`).get(F)).toBe('2000');
  });

  it('adds a final newline to a file without one and handles an empty file', () => {
    expect(updateSysctlConf('kern.foo=1', [[F, '2000']])).toBe(`kern.foo=1\n${SYSCTL_CONF_COMMENT}\n${F}=2000\n`);
    expect(updateSysctlConf('', [[F, '2000']])).toBe(`${SYSCTL_CONF_COMMENT}\n${F}=2000\n`);
  });

  it('refuses values that would inject another line or a comment (ERR_INVALID_ARG_VALUE)', () => {
    for (const value of ['1\nkern.securelevel=-1', '1 #', '', 'a b']) {
      expect(() => updateSysctlConf('', [[F, value]])).toThrow(
        expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }),
      );
    }
  });
});
