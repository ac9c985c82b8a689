/** `ephemeral-ports set <low> <high>`: validated, safety-checked change of the range, optionally persisted. */
import type { Command } from '../command.js';
import { atMost, parseArgs, protocolOption, usageError } from '../args.js';
import { rangeFromWords } from '../range-arg.js';
import { noteLines, paint, rangeText, warningLines, writeJson } from '../output.js';
import { type Diagnostic, type PersistedLine, type PortRange, rangeEquals } from '@ephemeral-ports/core/model';
import type { PersistReport } from '../../set-range.js';

const command: Command = {
  name: 'set',
  summary: 'Change the ephemeral port range (validated, with safety rails)',
  usage: `Usage: ephemeral-ports set <low> <high> [options]
       ephemeral-ports set <low>-<high> [options]      (also <low>:<high>, or "<low> <high>" as sysctl -n prints it)

Change the live ephemeral port range. The range is validated for this OS first; then safety rails refuse a
range that is too small (< 1024 usable ports), that would contain ports where services listen now, that
overlaps the Kubernetes NodePort range or the system ports 0-1023. A refused or invalid change changes nothing.

Options:
  --dry-run                 Print exactly what would change (value, persistence file and diff); change nothing
  --persist                 Also write the boot-time configuration (Linux: /etc/sysctl.d/90-ephemeral-ports.conf)
                            and check it wins at boot: a later file that sets the range again is named
                            by path and line, with a fix (see: ephemeral-ports persist status)
  --file <path>             With --persist: the file to write instead of the default (a relative path is
                            resolved against the current directory; the absolute path is reported)
  --force                   Apply despite safety-rail findings (never despite OS validation)
  --min-size <n>            Minimum usable ports for the size rail (default 1024)
  --node-port-range <r|none>  The cluster's NodePort range to keep clear (default 30000-32767; none = skip)
  --protocol <tcp|udp>      Which range (AIX and Windows only; elsewhere one range serves both)
  --netns <path>            Linux: change it inside this network namespace
  --json                    Print {platform, protocol, dryRun, previous, requested, current, changed, persisted,
                            safety, listeningSource, forced, warnings}
  -h, --help                Show this help

Exit codes: 0 done (or dry run), 2 invalid range/usage (nothing changed), 3 refused by a safety rail,
            77 permission denied (run as root), 1 other OS error.

Examples:
  ephemeral-ports set 49152 65535 --dry-run
  sudo ephemeral-ports set 20000-60999 --persist --node-port-range none   # a host without Kubernetes
  sudo ephemeral-ports set 10000 65535 --node-port-range none --force
  ephemeral-ports set 40000 50001 --netns /proc/1234/ns/net --json
`,
  async run(argv, ctx) {
    const args = parseArgs(argv, {
      booleans: ['dry-run', 'persist', 'force'],
      strings: ['protocol', 'netns', 'file', 'min-size', 'node-port-range'],
    });
    const range = rangeFromWords(args.positionals);
    atMost(args, 2, 'set');
    const protocol = protocolOption(args);
    if (args.values.has('file') && !args.flags.has('persist')) throw usageError('--file needs --persist');
    const minSizeText = args.values.get('min-size');
    if (minSizeText !== undefined && !/^\d{1,5}$/.test(minSizeText)) {
      throw usageError(`--min-size must be a number of ports, got ${JSON.stringify(minSizeText)}`);
    }
    const npr = args.values.get('node-port-range');
    const nodePortRange = npr === undefined ? undefined : npr === 'none' ? null : rangeFromWords([npr], '--node-port-range');
    const netns = args.values.get('netns');
    const file = args.values.get('file');

    const { setEphemeralRange } = await import('../../set-range.js');
    const report = await setEphemeralRange(range, {
      ...(protocol ? { protocol } : {}),
      ...(netns ? { netns } : {}),
      ...(file ? { file } : {}),
      ...(minSizeText ? { minSize: Number(minSizeText) } : {}),
      ...(nodePortRange !== undefined ? { nodePortRange } : {}),
      dryRun: args.flags.has('dry-run'),
      persist: args.flags.has('persist'),
      force: args.flags.has('force'),
    });
    if (ctx.json) {
      writeJson(ctx, report);
      return 0;
    }
    const p = paint(ctx);
    const from = `${report.previous.low}-${report.previous.high}`;
    let out = '';
    if (report.dryRun) {
      out += `${p.bold('dry run')}: nothing was changed\n`;
      out += report.changed
        ? `would set the ${report.protocol} ephemeral range: ${from} → ${p.bold(rangeText(report.requested))}\n`
        : `the ${report.protocol} ephemeral range is already ${rangeText(report.requested)}\n`;
    } else {
      out += report.changed
        ? `${p.green('set')} the ${report.protocol} ephemeral range: ${from} → ${p.bold(rangeText(report.current))}\n`
        : `the ${report.protocol} ephemeral range was already ${rangeText(report.current)}\n`;
    }
    if (report.netns) out += `network namespace: ${report.netns}\n`;
    if (report.persisted) {
      const verb = report.dryRun ? 'would write' : report.persisted.written ? 'wrote' : 'unchanged';
      out += `persistent configuration: ${verb} ${report.persisted.target}\n`;
      out += nextBootLine(report.persisted, report.requested, report.warnings, p);
      if (report.persisted.diff) out += report.persisted.diff.endsWith('\n') ? report.persisted.diff : `${report.persisted.diff}\n`;
    } else {
      out += `not persisted: the change lasts until reboot${report.netns ? ' (or until the namespace goes away)' : ''}; add --persist to keep it\n`;
    }
    for (const s of report.safety.filter((d) => d.severity === 'info')) out += `note: ${s.message}\n`;
    out += noteLines(report.warnings);
    ctx.stdout.write(out);
    ctx.stderr.write(warningLines(ctx, report.warnings.filter((w) => w.severity !== 'info')));
    return 0;
  },
};
/**
 * What the next boot applies and from which line: the requested range from our file; the requested range from
 * another file's line (ours unread or shadowed); or another value, with why (a later file, or ours never read).
 */
function nextBootLine(persisted: PersistReport, requested: PortRange, warnings: readonly Diagnostic[], p: ReturnType<typeof paint>): string {
  const { target, range, effective } = persisted;
  const next = range ? rangeText(range) : 'the kernel default';
  const winner = effective?.winners[0];
  const at = (l: PersistedLine) => `${l.file} line ${l.line}`;
  if (range && rangeEquals(range, requested)) {
    const elsewhere = winner && winner.file !== target && winner.via !== target;
    return elsewhere ? `next boot applies: ${next} (from ${at(winner)}, not from ${target})\n` : `next boot applies: ${next}${winner ? ` (${at(winner)})` : ''}\n`;
  }
  if (!effective) return '';
  const why = warnings.some((w) => w.code === 'PERSIST_NOT_READ_AT_BOOT')
    ? `the boot does not read ${target}`
    : winner
      ? `${at(winner)} sets it later`
      : 'another file wins';
  return `next boot applies: ${p.yellow(next)}, not ${rangeText(requested)}: ${why} (see the warning)\n`;
}

export default command;
