/** `ephemeral-ports persist status`: which file and line set the range at the next boot, and whether ours wins. */
import type { Command } from '../command.js';
import { parseArgs, protocolOption, usageError } from '../args.js';
import { noteLines, paint, rangeText, table, warningLines, writeJson } from '../output.js';

const command: Command = {
  name: 'persist',
  summary: 'Which file and line set the range at the next boot, and whether ours wins',
  usage: `Usage: ephemeral-ports persist status [options]

Read every file the boot applies, in the order the OS applies them, and say which file and line set the
ephemeral range last, what the next boot therefore applies, and whether the file this tool writes (set
--persist) wins. A file applied later that sets the range again is named by path and line, with a fix that
wins. Orders: Linux systemd-sysctl (sysctl.d(5): /etc, /run, /usr/local/lib, /usr/lib sysctl.d, by file name);
FreeBSD /etc/sysctl.conf then /etc/sysctl.conf.local; macOS /etc/sysctl.conf, then the LaunchDaemon;
AIX /etc/tunables/nextboot, then /etc/rc.tcpip.

Our file wins when its own line sets the range at boot. A later file that sets the same value is the line that
decides (the last assignment wins): our range applies, but ours is redundant (info PERSIST_SHADOWED, wins: false).

Exit status: 0 when the next boot applies our range (or nothing is persisted), 10 when it does not (a later
file overrides it, or ours is never read).

Targets:
  status                 Which file and line win at the next boot

Options:
  --file <path>          Judge this file instead of the default one (as set --persist --file)
  --protocol <tcp|udp>   Which range (AIX and Windows only)
  --netns <path>         Linux: refused, the boot configuration applies to the initial namespace only
  --json                 Print {platform, protocol, target, configured, nextBoot, wins, effective:
                         {range, winners, overrides, targetRead, order, rule, fixes, notes}, findings}
  -h, --help             Show this help

Examples:
  ephemeral-ports persist status
  ephemeral-ports persist status --json | jq '.effective.winners'
  ephemeral-ports persist status --file /etc/sysctl.d/99-custom.conf
`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { strings: ['file', 'protocol', 'netns'] });
    const [action, ...rest] = args.positionals;
    if (action !== 'status') {
      throw usageError(action === undefined ? 'persist needs an action: status' : `unknown persist action ${JSON.stringify(action)}; use status`);
    }
    if (rest.length > 0) throw usageError(`persist status takes no arguments, got ${JSON.stringify(rest.join(' '))}`);
    const protocol = protocolOption(args);
    const file = args.values.get('file');
    const netns = args.values.get('netns');
    const { persistStatus, persistWarnings } = await import('../../persist-status.js');
    const status = await persistStatus({ ...(protocol ? { protocol } : {}), ...(file ? { file } : {}), ...(netns ? { netns } : {}) });
    const warned = persistWarnings(status.findings).length > 0;
    const code = warned ? 10 : 0;
    if (ctx.json) {
      writeJson(ctx, status);
      return code;
    }
    const p = paint(ctx);
    const e = status.effective;
    const rows: Array<[string, string]> = [
      ['our file', status.target],
      ['it sets', status.configured ? rangeText(status.configured) : 'nothing'],
    ];
    const shadowed = e !== undefined && !status.wins && !warned && status.configured !== null;
    if (e) {
      const next = e.range ? rangeText(e.range) : 'the kernel default';
      rows.push(['next boot applies', warned ? p.yellow(next) : p.bold(next)]);
      for (const w of e.winners) rows.push(['set by', `${w.file} line ${w.line}${w.via ? ` (as ${w.via})` : ''}: ${w.key}${w.value === null ? ' (unset)' : ` = ${w.value}`}`]);
      for (const o of e.overrides) rows.push(['overridden by', `${o.file} line ${o.line}: ${o.key}${o.value === null ? ' (unset)' : ` = ${o.value}`}`]);
      rows.push(['our file wins', status.wins ? p.green('yes') : status.configured === null ? 'nothing to win' : shadowed ? 'no: the same range, set by a later line' : p.yellow('no')]);
    } else {
      rows.push(['next boot', `not computed on ${status.platform}: the value above is what the target holds`]);
    }
    let out = table(rows);
    if (e) {
      out += `\nboot order (${e.rule}):\n`;
      for (const f of e.order) out += `  ${f}\n`;
      for (const n of e.notes) out += `note: ${n}\n`;
      const heading = shadowed ? 'where a change applies at boot' : 'fixes that win';
      if (e.fixes.length > 0) out += `\n${heading}:\n${e.fixes.map((f) => `  ${f}\n`).join('')}`;
    }
    out += noteLines(status.findings);
    ctx.stdout.write(out);
    ctx.stderr.write(warningLines(ctx, persistWarnings(status.findings)));
    return code;
  },
};
export default command;
