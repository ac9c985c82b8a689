/** `ephemeral-ports map`: the whole 0–65535 space as a bar (and optionally an SVG file). */
import type { Command } from '../command.js';
import { atMost, censusOptions, parseArgs, usageError } from '../args.js';
import { writeJson } from '../output.js';

const command: Command = {
  name: 'map',
  summary: 'Draw the 0-65535 port space: system, ephemeral, reserved, listening, in use',
  usage: `Usage: ephemeral-ports map [options]

Draw the whole port space as one bar: system ports (s, below 1024), user ports (.), the ephemeral range (e),
reserved/excluded ports (R), ports in use (u) and listening ports (L). Each character covers 65536/width ports
and shows the most important kind inside it, so a single listener stays visible.

Options:
  --netns <path>   Linux: map this network namespace
  --method <m>     Linux: how to list sockets: auto (default), netlink or procfs
                   (auto: sock_diag, else /proc/net where netlink is refused)
  --width <n>      Characters of the bar (default: terminal width, else 100)
  --svg <file>     Also write the picture as SVG (ranges as bands, listeners and busy ports as marks), atomically
  --json           Print {regions: [{kind, low, high}], totals}
  -h, --help       Show this help

Examples:
  ephemeral-ports map
  ephemeral-ports map --svg ports.svg
  ephemeral-ports report --html ports.html   # the map with the census and doctor findings
  ephemeral-ports map --json | jq '.totals'
`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { strings: ['netns', 'method', 'width', 'svg'] });
    atMost(args, 0, 'map');
    const widthText = args.values.get('width');
    if (widthText !== undefined && (!/^\d{1,4}$/.test(widthText) || Number(widthText) < 20)) {
      throw usageError(`--width must be a whole number from 20 to 9999, got ${JSON.stringify(widthText)}`);
    }
    const columns = (process.stdout as { columns?: number }).columns;
    const width = widthText !== undefined ? Number(widthText) : ctx.isTTY && columns ? Math.max(20, columns - 1) : 100;
    const { takeSnapshot } = await import('../../diagnostics/snapshot.js');
    const { portMapOf } = await import('../../diagnostics/usage.js');
    const census = censusOptions(args);
    const snapshot = await takeSnapshot(census);
    const map = portMapOf(snapshot);
    const svgPath = args.values.get('svg');
    if (svgPath !== undefined) {
      const { renderPortMapSvg } = await import('@ephemeral-ports/core');
      const { hostname } = await import('node:os');
      const { writeFileAtomic } = await import('../../diagnostics/files.js');
      const unprivilegedStart = snapshot.facts.unprivilegedPortStart;
      const svg = renderPortMapSvg(map, {
        host: hostname(),
        time: new Date(snapshot.takenAt),
        reservedKind: snapshot.os === 'win32' ? 'excluded' : 'reserved',
        ...(census.netns ? { netns: census.netns } : {}),
        ...(unprivilegedStart !== undefined ? { unprivilegedStart } : {}),
      });
      await writeFileAtomic(svgPath, svg, '--svg');
    }
    if (ctx.json) {
      writeJson(ctx, { regions: map.regions, totals: map.totals, ...(svgPath ? { svg: svgPath } : {}) });
      return 0;
    }
    const { renderMapBar } = await import('../../diagnostics/text.js');
    ctx.stdout.write(renderMapBar(map, width, ctx.color));
    if (svgPath !== undefined) ctx.stdout.write(`wrote ${svgPath} (${map.regions.length} regions)\n`);
    return 0;
  },
};
export default command;
