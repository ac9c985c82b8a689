/**
 * Which line sets net.inet.ip.portrange.first/last at the next FreeBSD or macOS boot.
 *
 * FreeBSD: rc.d/sysctl (libexec/rc/rc.d/sysctl) runs `sysctl -f` on /etc/sysctl.conf, then on
 * /etc/sysctl.conf.local; each line is applied in turn, so the last line for a name wins (rc.d/sysctl_lastload
 * later runs the same two files again: same outcome).
 * macOS: the system bootstrap (launchd launchctl.c) applies /etc/sysctl.conf with apply_sysctls_from_file() before
 * it loads /Library/LaunchDaemons (`load -D all`), so our LaunchDaemon's `sysctl -w` (RunAtLoad) runs later and
 * wins over /etc/sysctl.conf. Other LaunchDaemons that run sysctl start in no documented order against ours.
 */
import {
  type BootPersistence,
  type PersistedLine,
  type PortRange,
  defaultRange,
} from '@ephemeral-ports/core';
import { DARWIN_LAUNCHD_PLIST, parseLaunchdPlist } from './launchd-plist.js';
import { pairFromRange, rangeFromPair } from './port-ranges.js';
import { parseSysctlConfLines } from './sysctl-conf.js';
import { BSD_OIDS, type BsdOs } from './sysctl-names.js';

export interface BsdBootFiles {
  sysctlConf: string;
  /** FreeBSD only. */
  sysctlConfLocal: string;
  /** macOS only: our LaunchDaemon. */
  plist: string;
}

export const BSD_BOOT_FILES: Readonly<BsdBootFiles> = Object.freeze({
  sysctlConf: '/etc/sysctl.conf',
  sysctlConfLocal: '/etc/sysctl.conf.local',
  plist: DARWIN_LAUNCHD_PLIST,
});

export const BSD_BOOT_RULE: Readonly<Record<BsdOs, string>> = Object.freeze({
  freebsd: 'rc.d/sysctl: sysctl -f /etc/sysctl.conf, then /etc/sysctl.conf.local; the last line for a name wins',
  darwin:
    'launchctl bootstrap applies /etc/sysctl.conf (apply_sysctls_from_file), then loads /Library/LaunchDaemons: the LaunchDaemon runs later and wins',
});

const KEYS = [BSD_OIDS.first, BSD_OIDS.last] as const;

/** The boot's files, in the order their settings are applied. */
export function bsdBootOrder(os: BsdOs, files: BsdBootFiles): string[] {
  return os === 'freebsd' ? [files.sysctlConf, files.sysctlConfLocal] : [files.sysctlConf, files.plist];
}

/** Our two settings in `text`, with line numbers (a plist's: the line of its `<string>name=value</string>`). */
export function rangeLines(os: BsdOs, file: string, text: string, isPlist: boolean): PersistedLine[] {
  if (!isPlist) {
    return parseSysctlConfLines(text, os)
      .filter((l) => (KEYS as readonly string[]).includes(l.name))
      .map((l) => ({ file, line: l.line, key: l.name, value: l.value }));
  }
  const settings = parseLaunchdPlist(text);
  const lines = text.split('\n');
  return KEYS.filter((k) => settings.has(k)).map((key) => {
    const index = lines.findIndex((l) => l.includes(`<string>${key}=`));
    return { file, line: index >= 0 ? index + 1 : 1, key, value: settings.get(key)! };
  });
}

/**
 * What the next boot applies with `target` holding `ours`. `read` returns a file's text or null; `overlay` stands in
 * for the target's content on a dry run.
 */
export async function predictBsdBoot(
  os: BsdOs,
  target: string,
  ours: PortRange | null,
  files: BsdBootFiles,
  read: (path: string) => Promise<string | null>,
  overlay?: { path: string; text: string },
): Promise<BootPersistence> {
  const order = bsdBootOrder(os, files);
  const notes: string[] = [];
  const all: Array<{ at: number; line: PersistedLine }> = [];
  const present: string[] = [];
  for (const [index, file] of order.entries()) {
    const text = overlay?.path === file ? overlay.text : await read(file);
    if (text === null) continue;
    present.push(file);
    try {
      for (const l of rangeLines(os, file, text, os === 'darwin' && file === files.plist)) all.push({ at: index * 1e6 + l.line, line: l });
    } catch (error) {
      notes.push(`${file}: ${(error as Error).message}`);
    }
  }
  const targetRead = order.includes(target);
  if (!targetRead) notes.push(`the boot does not read ${target}: it reads ${order.join(', then ')}`);
  if (os === 'darwin') notes.push('other LaunchDaemons that run sysctl start in no documented order against ours');

  const winners = KEYS.map((k) => all.filter((p) => p.line.key === k).pop()).filter((p) => p !== undefined);
  let range: PortRange | null = null;
  const defaultWhy = winners.length === 0 ? 'nothing sets net.inet.ip.portrange.first/last' : undefined;
  if (defaultWhy !== undefined) notes.push(`${defaultWhy}: the kernel default stays`);
  else {
    const fallback = pairFromRange(defaultRange(os).range);
    const value = (k: string, d: number) => winners.find((w) => w.line.key === k)?.line.value ?? String(d);
    const [first, last] = [value(BSD_OIDS.first, fallback.first), value(BSD_OIDS.last, fallback.last)];
    if (/^\d+$/.test(first) && /^\d+$/.test(last)) range = rangeFromPair({ first: Number(first), last: Number(last) }).range;
    else notes.push(`not port numbers: ${first}, ${last}`);
    if (winners.length === 1) notes.push(`only ${winners[0]!.line.key} is set: the other end keeps the kernel default`);
  }

  const overrides: PersistedLine[] = [];
  for (const k of KEYS) {
    const own = all.filter((p) => p.line.key === k && p.line.file === target).pop();
    if (!own) continue;
    overrides.push(...all.filter((p) => p.line.key === k && p.at > own.at && p.line.value !== own.line.value).map((p) => p.line));
  }
  const lost = ours !== null && (!targetRead || (overrides.length > 0 && !(range && range.low === ours.low && range.high === ours.high)));
  const fixes: string[] = [];
  if (lost) {
    const set = `ephemeral-ports set ${ours.low}-${ours.high} --persist`;
    const last = overrides[overrides.length - 1];
    // Writing our values into the file applied last makes them the last lines read.
    fixes.push(`${set} --file ${last ? last.file : order[order.length - 1]}`);
  }
  return {
    range,
    ...(defaultWhy === undefined ? {} : { defaultWhy }),
    winners: winners.map((w) => w.line),
    overrides: lost ? overrides : [],
    targetRead,
    order: present,
    rule: BSD_BOOT_RULE[os],
    fixes,
    notes,
  };
}
