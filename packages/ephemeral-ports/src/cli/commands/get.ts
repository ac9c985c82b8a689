/** `ephemeral-ports get`: the live range with its source, the OS default and reserved ports. */
import type { Command } from '../command.js';
import { atMost, parseArgs, protocolOption } from '../args.js';
import { paint, rangeText, table, warningLines, writeJson } from '../output.js';

const command: Command = {
  name: 'get',
  summary: 'Print the live ephemeral port range',
  usage: `Usage: ephemeral-ports get [options]

Print the live ephemeral (dynamic) port range of this machine or of a network namespace.

Options:
  --protocol <tcp|udp>  Which range (default tcp; only AIX and Windows keep separate ranges)
  --netns <path>        Linux: read inside this network namespace (/proc/<pid>/ns/net, /run/netns/<name>)
  --json                Print the report as JSON: {platform, release, protocol, family, range, size, source,
                        defaults, reserved, implementation, details?, netns?, warnings}
  -h, --help            Show this help

Examples:
  ephemeral-ports get
  ephemeral-ports get --protocol udp --json
  ephemeral-ports get --netns /run/netns/blue
  ephemeral-ports get --json | jq '.range.low'
`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { strings: ['protocol', 'netns'] });
    atMost(args, 0, 'get');
    const { getEphemeralRange } = await import('../../range-report.js');
    const protocol = protocolOption(args);
    const netns = args.values.get('netns');
    const report = await getEphemeralRange({
      ...(protocol ? { protocol } : {}),
      ...(netns ? { netns } : {}),
    });
    if (ctx.json) {
      writeJson(ctx, report);
      return 0;
    }
    const p = paint(ctx);
    const rows: Array<[string, string]> = [
      [`${report.protocol} ephemeral range`, `${p.bold(rangeText(report.range))}`],
      ['source', report.source === 'default' ? p.yellow('default (live value not readable)') : report.source],
      ['os default', report.defaults ? rangeText(report.defaults) : 'unknown'],
    ];
    if (report.reserved) rows.push(['reserved', report.reserved.isEmpty ? 'none' : report.reserved.toString()]);
    if (report.netns) rows.push(['netns', report.netns]);
    ctx.stdout.write(table(rows));
    ctx.stderr.write(warningLines(ctx, report.warnings));
    return 0;
  },
};
export default command;
