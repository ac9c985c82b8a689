import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { optionalTool } from '../../../test/helpers/tools.js';
import { DARWIN_LAUNCHD_LABEL, parseLaunchdPlist, renderLaunchdPlist } from './launchd-plist.js';

const F = 'net.inet.ip.portrange.first';
const L = 'net.inet.ip.portrange.last';
const xmllint = optionalTool('xmllint');

describe('macOS LaunchDaemon plist', () => {
  const text = renderLaunchdPlist([
    [F, '40000'],
    [L, '50001'],
  ]);

  it('runs /usr/sbin/sysctl -w with the settings at load, under our label', () => {
    expect(text).toContain(`<string>${DARWIN_LAUNCHD_LABEL}</string>`);
    expect(text).toMatch(
      /<string>\/usr\/sbin\/sysctl<\/string>\s*<string>-w<\/string>\s*<string>net\.inet\.ip\.portrange\.first=40000</,
    );
    expect(text).toMatch(/<key>RunAtLoad<\/key>\s*<true\/>/);
  });

  it('round-trips through the parser', () => {
    expect(parseLaunchdPlist(text)).toEqual(
      new Map([
        [F, '40000'],
        [L, '50001'],
      ]),
    );
  });

  it.runIf(xmllint.run)(`is well-formed XML ${xmllint.title}`, () => {
    expect(() => execFileSync(xmllint.path, ['--noout', '--nonet', '-'], { input: text, stdio: 'pipe' })).not.toThrow();
  });

  it('escapes XML in the label and rejects plists that do not run sysctl', () => {
    expect(renderLaunchdPlist([], 'a&b<c')).toContain('<string>a&amp;b&lt;c</string>');
    const parseError = expect.objectContaining({ code: 'ERR_EPHEMERAL_PARSE' });
    expect(() => parseLaunchdPlist('<plist><dict></dict></plist>')).toThrow(parseError);
    const other = text.replace('/usr/sbin/sysctl', '/bin/sh');
    expect(() => parseLaunchdPlist(other)).toThrow(expect.objectContaining({ code: 'ERR_EPHEMERAL_PARSE' }));
  });
});
