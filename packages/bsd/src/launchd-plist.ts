/**
 * macOS persistence (platform-facts §5): a LaunchDaemon whose job runs `/usr/sbin/sysctl -w name=value ...` once
 * at load (`RunAtLoad`), i.e. at every boot. launchd wants the file root-owned, mode 0644, in
 * /Library/LaunchDaemons, named after its Label.
 */
import { EphemeralPortsError, ErrorCodes } from '@ephemeral-ports/core';
import { BSD_SYSCTL_PATH } from './sysctl-names.js';

export const DARWIN_LAUNCHD_LABEL = 'org.ephemeral-ports.portrange';
export const DARWIN_LAUNCHD_PLIST = `/Library/LaunchDaemons/${DARWIN_LAUNCHD_LABEL}.plist`;

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** The plist text for a job that applies `values` in the given order. */
export function renderLaunchdPlist(
  values: ReadonlyArray<readonly [string, string]>,
  label: string = DARWIN_LAUNCHD_LABEL,
): string {
  const args = [BSD_SYSCTL_PATH.darwin, '-w', ...values.map(([name, value]) => `${name}=${value}`)];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    '\t<key>Label</key>',
    `\t<string>${escapeXml(label)}</string>`,
    '\t<key>ProgramArguments</key>',
    '\t<array>',
    ...args.map((a) => `\t\t<string>${escapeXml(a)}</string>`),
    '\t</array>',
    '\t<key>RunAtLoad</key>',
    '\t<true/>',
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}

/** The `name=value` settings a sysctl LaunchDaemon plist applies; throws `ERR_EPHEMERAL_PARSE` for any other plist. */
export function parseLaunchdPlist(text: string): Map<string, string> {
  const block = /<key>\s*ProgramArguments\s*<\/key>\s*<array>([\s\S]*?)<\/array>/.exec(text);
  if (!block) throw new EphemeralPortsError(ErrorCodes.PARSE, 'plist has no ProgramArguments array');
  const args = [...block[1]!.matchAll(/<string>([\s\S]*?)<\/string>/g)].map((m) => unescapeXml(m[1]!.trim()));
  if (!args[0]?.endsWith('/sysctl')) {
    throw new EphemeralPortsError(ErrorCodes.PARSE, `plist does not run sysctl (runs ${args[0] ?? 'nothing'})`);
  }
  const out = new Map<string, string>();
  for (const arg of args.slice(1)) {
    const eq = arg.indexOf('=');
    if (eq > 0) out.set(arg.slice(0, eq), arg.slice(eq + 1));
  }
  return out;
}
