/**
 * Which line sets net.ipv4.ip_local_port_range at the next boot, how it relates to our file, and a fix that wins.
 *
 * systemd-sysctl (src/sysctl/sysctl.c) reads the files of boot-order.ts in order into one table: a later line for a
 * key replaces the earlier one, `-key` replaces it with "unset"; then it
 * writes every explicit key, and every glob to the matching keys that no explicit line names, globs in table order.
 * The kernel then takes or refuses the value (net/ipv4/sysctl_net_ipv4.c ipv4_local_port_range(): EINVAL when the
 * high end is below the low end or the low end is below ip_unprivileged_port_start, 1024 by default); a refused
 * value leaves the boot default.
 */
import { join } from 'node:path';
import type { BootPersistence, PersistedLine, PortRange } from '@ephemeral-ports/core/model';
import { type BootFile, ETC_SYSCTL_CONF, type SysctlLayout, isSysctlDName, layoutDirs, procpsSystemOrder, systemdSysctlOrder } from './boot-order.js';
import { rangeOrProblem } from './procfs-format.js';
import { normalizeSysctlKey, parseSysctlDLines, sysctlGlobMatches } from './sysctl-d-lines.js';

export const RANGE_KEY = 'net.ipv4.ip_local_port_range';
const KEY = normalizeSysctlKey(RANGE_KEY);
/** ip_unprivileged_port_start's default: the kernel refuses a range starting below it. */
const PROT_SOCK = 1024;
export const SYSTEMD_RULE =
  'systemd-sysctl: *.conf of /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d, /usr/lib/sysctl.d (and /lib/sysctl.d on split /usr) by file name, a name in an earlier directory hiding later ones; the last line for a key wins (sysctl.d(5))';

interface Placed {
  at: number; // position in the order: file index * 1e6 + line
  line: PersistedLine;
}

interface Outcome {
  winner: Placed | null;
  /** Explicit lines for the key, in order. */
  explicit: Placed[];
}

function describe(file: BootFile, line: number, written: string, value: string | null): PersistedLine {
  return {
    file: file.file,
    line,
    key: written,
    value,
    ...(file.listed !== file.file ? { via: file.listed } : {}),
  };
}

/** Runs the table of systemd-sysctl over `files` for our key. */
function decide(files: readonly BootFile[]): Outcome {
  let explicit: Placed | null = null;
  const all: Placed[] = [];
  // Globs in table order: a changed value is removed and added again (it moves to the end); an equal one stays.
  const globs = new Map<string, Placed>();
  files.forEach((file, index) => {
    if (file.text === null) return;
    for (const l of parseSysctlDLines(file.text)) {
      const placed = { at: index * 1e6 + l.line, line: describe(file, l.line, l.written, l.value) };
      if (l.glob) {
        if (!sysctlGlobMatches(l.key, KEY)) continue;
        // An equal value keeps its place in the table (Map.set keeps the key's position); the last line is named.
        if (globs.get(l.key)?.line.value !== l.value) globs.delete(l.key);
        globs.set(l.key, placed);
        continue;
      }
      if (l.key !== KEY) continue;
      all.push(placed);
      // systemd keeps its earlier entry for an identical value (the same value is written either way); the line
      // reported is the last assignment, the one an edit must change: editing an earlier one changes nothing.
      explicit = placed;
    }
  });
  if (explicit) return { winner: explicit, explicit: all };
  const applied = [...globs.values()].filter((g) => g.line.value !== null);
  return { winner: applied[applied.length - 1] ?? null, explicit: all };
}

/** The value as the kernel takes it, or why it refuses it (or why we cannot tell). */
function kernelRange(value: string): PortRange | { problem: string } {
  const range = rangeOrProblem(value);
  if ('problem' in range) return range;
  if (range.low < PROT_SOCK) return { problem: `the kernel refuses a range starting below ip_unprivileged_port_start (${PROT_SOCK})` };
  return range;
}

const where = (l: PersistedLine) => `${l.file} line ${l.line}${l.via ? ` (read as ${l.via})` : ''}`;
const sameValue = (a: string | null, b: string | null) => {
  if (a === null || b === null) return a === b;
  const [x, y] = [kernelRange(a), kernelRange(b)];
  return 'problem' in x || 'problem' in y ? a.trim() === b.trim() : x.low === y.low && x.high === y.high;
};

/** A name in /etc/sysctl.d that sorts after every file of the order. */
export function nameAfter(files: readonly BootFile[]): string {
  let name = 'zz-ephemeral-ports.conf';
  while (files.some((f) => Buffer.compare(Buffer.from(f.name), Buffer.from(name)) >= 0)) name = `z${name}`;
  return name;
}

/**
 * What the next boot applies, with `target` (our file) holding `ours`. `layout.overlay` stands in for files a dry
 * run would write.
 */
export function predictSysctlBoot(target: string, ours: PortRange | null, layout: SysctlLayout = {}): BootPersistence {
  const root = layout.root ?? '/';
  const files = systemdSysctlOrder(layout);
  const { winner, explicit } = decide(files);
  const notes: string[] = [];
  const targetIndex = files.findIndex((f) => f.file === target || f.listed === target);
  const targetRead = targetIndex >= 0 && !files[targetIndex]!.masked;
  const name = target.slice(target.lastIndexOf('/') + 1);
  const inReadDirectory = layoutDirs(layout).includes(target.slice(0, target.lastIndexOf('/')));
  const readableName = isSysctlDName(name);
  const hidden = inReadDirectory ? files.find((f) => f.name === name) : undefined;
  // A file that does not exist yet in a directory the boot reads is not "unread": nothing was persisted.
  if (!targetRead && !(targetIndex < 0 && !hidden && inReadDirectory && readableName && ours === null)) {
    notes.push(
      hidden && targetIndex < 0
        ? `the boot does not read ${target}: ${hidden.listed} has its name and comes first`
        : targetIndex >= 0
          ? `${target} is masked (empty, or a link to /dev/null)`
          : !inReadDirectory
            ? `the boot does not read ${target}: systemd-sysctl reads only ${layoutDirs(layout).join(', ')}`
            : name.startsWith('.')
              ? `the boot does not read ${target}: systemd-sysctl skips hidden files (sysctl.d(5))`
              : `the boot does not read ${target}: systemd-sysctl reads only *.conf files (sysctl.d(5))`,
    );
  }

  let range: PortRange | null = null;
  let defaultWhy: string | undefined;
  let separator = ':';
  if (winner === null) defaultWhy = `nothing sets ${RANGE_KEY}`;
  else if (winner.line.value === null) defaultWhy = `${where(winner.line)} unsets ${RANGE_KEY} (a "-key" line)`;
  else {
    const r = kernelRange(winner.line.value);
    if ('problem' in r) [defaultWhy, separator] = [`${where(winner.line)} sets ${JSON.stringify(winner.line.value)}: ${r.problem}`, ';'];
    else range = r;
  }
  if (defaultWhy !== undefined) notes.push(`${defaultWhy}${separator} the kernel default stays`);

  const isTarget = (f: BootFile) => f.file === target || f.listed === target;
  const ownLines = explicit.filter((p) => isTarget(files[Math.floor(p.at / 1e6)]!));
  const own = ownLines[ownLines.length - 1];
  // Another file's line decides: one with another value overrides ours; one with the same value shadows it (the
  // range applies, from that line). Either way the fixes say where a change must go to apply at boot.
  const decidedElsewhere = ours !== null && targetRead && own !== undefined && winner !== null && winner !== own;
  const overridden = decidedElsewhere && !sameValue(winner.line.value, own.line.value);
  const overrides = overridden ? explicit.filter((p) => p.at > own.at && !sameValue(p.line.value, own.line.value)).map((p) => p.line) : [];

  const fixes: string[] = [];
  if (ours !== null && (decidedElsewhere || !targetRead)) {
    const set = `ephemeral-ports set ${ours.low}-${ours.high} --persist`;
    const etcDir = layout.etcDir ?? join(root, '/etc/sysctl.d');
    const adminOwned = (file: string) => file.startsWith(join(root, '/etc/')) || file.startsWith(`${etcDir}/`);
    // The administrator's own file is edited in place; a vendor's (/usr/lib, /run) is outranked by name instead.
    if (decidedElsewhere && adminOwned(winner.line.file)) {
      fixes.push(`${set} --file ${winner.line.file}   # rewrites line ${winner.line.line} there, the line that wins now`);
    }
    fixes.push(`${set} --file ${join(etcDir, nameAfter(files))}   # a name that sorts after every file that sets it`);
  }

  const procps = decide(procpsSystemOrder(layout)).winner;
  if (procps && procps.line.file === join(root, ETC_SYSCTL_CONF) && (winner === null || procps.line.value !== winner.line.value)) {
    notes.push(
      `boots without systemd apply procps "sysctl --system", which reads ${ETC_SYSCTL_CONF} last: there ${where(procps.line)} ` +
        `wins (${JSON.stringify(procps.line.value)})`,
    );
  }

  return {
    range,
    ...(defaultWhy === undefined ? {} : { defaultWhy }),
    winners: winner ? [winner.line] : [],
    overrides,
    targetRead,
    order: files.filter((f) => !f.masked).map((f) => (f.listed === f.file ? f.file : `${f.listed} -> ${f.file}`)),
    rule: SYSTEMD_RULE,
    fixes,
    notes,
  };
}
