/** `ephemeral-ports usage`: sockets by state, ports held in the range, per-destination pressure, conflicts. */
import type { Command } from '../command.js';
import { atMost, censusOptions, parseArgs, usageError } from '../args.js';
import { paint, writeJson } from '../output.js';
import type { ProcessUsage } from '../../diagnostics/usage.js';

const command: Command = {
  name: 'usage',
  summary: 'Show how the ephemeral range is used (per state, per destination)',
  usage: `Usage: ephemeral-ports usage [options]

List every TCP/UDP socket (Linux: NETLINK_SOCK_DIAG, else /proc/net) and show: sockets per
state, local ports held inside the ephemeral range, per destination the ports used versus what connect() can
pick, the TIME_WAIT share, bound-but-idle sockets and listeners that sit inside the range.

Options:
  --netns <path>   Linux: look inside this network namespace (/proc/<pid>/ns/net, /run/netns/<name>)
  --method <m>     Linux: how to list sockets: auto (default), netlink or procfs
                   (auto: sock_diag, else /proc/net where netlink is refused)
  --processes      Name the owning process (pid, command) of listeners; needs root for other users' sockets
  --by-process     Also count sockets per owning process (implies --processes; JSON: "processes")
  --top <n>        Destinations to list (default 10)
  --json           Print the full report as JSON (destinations, listenersInRange, boundInactive, byState, ...)
  -h, --help       Show this help

Examples:
  ephemeral-ports usage
  ephemeral-ports usage --processes --top 20
  ephemeral-ports usage --by-process
  ephemeral-ports usage --json | jq '.destinations[0]'
`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { booleans: ['processes', 'by-process'], strings: ['netns', 'method', 'top'] });
    atMost(args, 0, 'usage');
    const topText = args.values.get('top') ?? '10';
    if (!/^\d{1,6}$/.test(topText)) throw usageError(`--top must be a whole number, got ${JSON.stringify(topText)}`);
    const byProcess = args.flags.has('by-process');
    const processes = byProcess || args.flags.has('processes');
    const { takeSnapshot } = await import('../../diagnostics/snapshot.js');
    // The kernel's socket dump runs on a worker thread: start it, let it reach the kernel (one turn of the event
    // loop), then load the analysis code while the kernel answers. Same result as usage().
    const snapshot = takeSnapshot({ ...censusOptions(args), ...(processes ? { processes: true } : {}) });
    snapshot.catch(() => undefined); // awaited below; a failure meanwhile is not an unhandled rejection
    await new Promise(setImmediate);
    const { usageOf } = await import('../../diagnostics/usage.js');
    const report = usageOf(await snapshot, { processes });
    if (ctx.json) {
      writeJson(ctx, report);
      return 0;
    }
    const { renderUsage } = await import('../../diagnostics/text.js');
    ctx.stdout.write(renderUsage(report, paint(ctx), Number(topText)));
    if (byProcess) ctx.stdout.write(renderProcesses(report.processes ?? [], Number(topText)));
    return 0;
  },
};
/** The per-process table of `--by-process`: the `top` processes with the most sockets. */
export function renderProcesses(processes: readonly ProcessUsage[], top: number): string {
  const header = ['pid', 'command', 'tcp', 'udp', 'listening', 'established'];
  const rows = processes.slice(0, top).map((p) => [String(p.pid), p.command, String(p.tcp), String(p.udp), String(p.listening), String(p.established)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`.trimEnd();
  const more = processes.length > top ? `  ... ${processes.length - top} more (--top)\n` : '';
  if (processes.length === 0) return '\nSockets per process: no owner visible (other users\' processes need root)\n';
  return `\nSockets per process (${processes.length}):\n${[line(header), ...rows.map(line)].join('\n')}\n${more}`;
}

export default command;
