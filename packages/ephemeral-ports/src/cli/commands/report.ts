/** `ephemeral-ports report --html FILE`: a self-contained HTML page with the port map, the census and the doctor's findings. */
import { hostname } from 'node:os';
import type { Command } from '../command.js';
import { atMost, censusOptions, parseArgs, usageError } from '../args.js';
import { writeJson } from '../output.js';

const command: Command = {
  name: 'report',
  summary: 'Write an HTML report: port map, sockets per state and destination, doctor findings',
  usage: `Usage: ephemeral-ports report --html <file> [options]

Write one self-contained HTML file (inline SVG and CSS, no scripts, nothing loaded from the network) with the
port map, the sockets per state, the ports used per destination versus what connect() can pick, and the doctor's
findings with their remedies. Open it in any browser, attach it to a ticket.

Options:
  --html <file>    Where to write the report (written atomically)
  --netns <path>   Linux: report on this network namespace
  --method <m>     Linux: how to list sockets: auto (default), netlink or procfs
  --json           Print {html, verdict, findings} instead of a sentence
  -h, --help       Show this help

Examples:
  ephemeral-ports report --html ports.html && xdg-open ports.html
  sudo ephemeral-ports report --html /tmp/blue.html --netns /run/netns/blue
`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { strings: ['html', 'netns', 'method'] });
    atMost(args, 0, 'report');
    const file = args.values.get('html');
    if (file === undefined || file === '') throw usageError('report needs --html <file>');
    const census = censusOptions(args);
    const { takeSnapshot } = await import('../../diagnostics/snapshot.js');
    const { doctorOf, portMapOf } = await import('../../diagnostics/usage.js');
    const { renderHtmlReport } = await import('../../report/html.js');
    const { writeFileAtomic } = await import('../../diagnostics/files.js');
    const snapshot = await takeSnapshot(census);
    const doctor = doctorOf(snapshot);
    const html = renderHtmlReport({
      map: portMapOf(snapshot),
      usage: doctor.usage,
      doctor,
      host: hostname(),
      ...(census.netns ? { netns: census.netns } : {}),
      time: new Date(snapshot.takenAt),
      os: snapshot.os,
      ...(snapshot.facts.unprivilegedPortStart !== undefined ? { unprivilegedStart: snapshot.facts.unprivilegedPortStart } : {}),
    });
    await writeFileAtomic(file, html, '--html');
    if (ctx.json) {
      writeJson(ctx, { html: file, verdict: doctor.verdict, findings: doctor.findings });
      return 0;
    }
    ctx.stdout.write(`wrote ${file} (verdict ${doctor.verdict}, ${doctor.findings.length} finding(s))\n`);
    return 0;
  },
};
export default command;
