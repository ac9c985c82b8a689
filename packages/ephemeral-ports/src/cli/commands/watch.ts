/** `ephemeral-ports watch`: redraws range pressure in place every second until Ctrl-C. */
import { formatRange } from '@ephemeral-ports/core';
import type { Command } from '../command.js';
import { atMost, censusOptions, parseArgs, usageError } from '../args.js';
import { paint } from '../output.js';

const HIDE_CURSOR = '\u001b[?25l';
const SHOW_CURSOR = '\u001b[?25h';
const HOME = '\u001b[H';
const CLEAR_SCREEN = '\u001b[2J';
const CLEAR_LINE_END = '\u001b[K';
const CLEAR_BELOW = '\u001b[J';

const command: Command = {
  name: 'watch',
  summary: 'Live view of range pressure, refreshed in place (Ctrl-C to stop)',
  usage: `Usage: ephemeral-ports watch [options]

Redraw, every second, a bar of how much of the ephemeral range is held, the busiest destinations with their
used/capacity bars, TIME_WAIT, socket states and the doctor verdict. Ctrl-C stops and restores the cursor.
When stdout is not a terminal, frames are printed one after another (with --json: one JSON object per line).

Options:
  --netns <path>      Linux: watch this network namespace
  --method <m>        Linux: how to list sockets: auto (default), netlink or procfs
                      (auto: sock_diag, else /proc/net where netlink is refused)
  --interval <secs>   Seconds between frames (default 1, at least 0.2)
  --count <n>         Stop after n frames (default: until Ctrl-C)
  --json              One JSON object per frame: {time, verdict, range, rangePressure, portsInUse, timeWait, destinations}
  -h, --help          Show this help

Examples:
  ephemeral-ports watch
  ephemeral-ports watch --interval 5 --netns /run/netns/blue
  ephemeral-ports watch --count 10 --json > pressure.ndjson
`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { strings: ['netns', 'method', 'interval', 'count'] });
    atMost(args, 0, 'watch');
    const intervalText = args.values.get('interval') ?? '1';
    if (!/^\d+(\.\d+)?$/.test(intervalText) || Number(intervalText) < 0.2) {
      throw usageError(`--interval must be a number of seconds ≥ 0.2, got ${JSON.stringify(intervalText)}`);
    }
    const countText = args.values.get('count');
    if (countText !== undefined && (!/^\d{1,9}$/.test(countText) || Number(countText) < 1)) {
      throw usageError(`--count must be a whole number ≥ 1, got ${JSON.stringify(countText)}`);
    }
    const census = censusOptions(args);
    const netns = census.netns;
    const { takeSnapshot } = await import('../../diagnostics/snapshot.js');
    const { doctorOf } = await import('../../diagnostics/usage.js');
    const { destinationLabel, pressureBar } = await import('../../diagnostics/text.js');
    const style = paint(ctx);
    const live = ctx.isTTY && !ctx.json;
    const frames = countText === undefined ? Infinity : Number(countText);

    let stopped = false;
    let wake: (() => void) | undefined;
    const stop = () => {
      stopped = true;
      wake?.();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (live) ctx.stdout.write(HIDE_CURSOR + CLEAR_SCREEN);
    try {
      for (let n = 0; n < frames && !stopped; n++) {
        const result = doctorOf(await takeSnapshot(census));
        if (stopped) break;
        const u = result.usage;
        if (ctx.json) {
          ctx.stdout.write(
            `${JSON.stringify({
              time: new Date().toISOString(),
              verdict: result.verdict,
              range: u.range,
              usableSize: u.usableSize,
              rangePressure: u.rangePressure,
              portsInUse: u.portsInUse,
              timeWait: u.timeWait,
              destinations: u.destinations.slice(0, 5),
            })}\n`,
          );
        } else {
          const verdict = result.verdict === 'ok' ? style.green('ok') : result.verdict === 'warn' ? style.yellow('warn') : style.red('critical');
          const lines = [
            `${style.bold('ephemeral-ports watch')}  ${new Date().toLocaleTimeString()}  verdict ${verdict}${netns ? `  netns ${netns}` : ''}`,
            `range ${formatRange(u.range)}  ${pressureBar(u.rangePressure, 40, style)}  ${u.portsInUse.any}/${u.usableSize} ports held`,
            `sockets ${u.total}  TIME_WAIT ${u.timeWait.count}  listeners in range ${u.listenersInRange.length}  bound-only ${u.boundInactive.length}`,
            'busiest destinations:',
            ...(u.destinations.length === 0
              ? ['  none']
              : u.destinations.slice(0, 5).map((d) => `  ${pressureBar(d.pressure, 30, style)} ${String(d.used).padStart(5)}/${d.capacity}  ${destinationLabel(d)}`)),
            live ? style.dim('Ctrl-C to stop') : '',
          ];
          ctx.stdout.write(live ? `${HOME}${lines.map((l) => l + CLEAR_LINE_END).join('\n')}\n${CLEAR_BELOW}` : `${lines.join('\n')}\n`);
        }
        if (n + 1 < frames && !stopped) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Number(intervalText) * 1000);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
        }
      }
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (live) ctx.stdout.write(SHOW_CURSOR);
    }
    return 0;
  },
};
export default command;
