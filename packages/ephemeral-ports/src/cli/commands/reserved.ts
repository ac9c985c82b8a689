/** `ephemeral-ports reserved [set|add|remove <ports>]`: Linux reserved ports / Windows excluded port ranges. */
import type { PortSet } from '@ephemeral-ports/core';
import type { Command } from '../command.js';
import { parseArgs, protocolOption, usageError } from '../args.js';
import { writeJson } from '../output.js';

export const ACTIONS = ['set', 'add', 'remove'] as const;
type Action = (typeof ACTIONS)[number];

const command: Command = {
  name: 'reserved',
  summary: 'Show or change reserved (Linux) / excluded (Windows) ports',
  // The synopsis spells every action of ACTIONS: the shell completions read them from it (specs.ts).
  usage: `Usage: ephemeral-ports reserved [options]
${ACTIONS.flatMap((a) => [`${a} <ports...>`, ...(a === 'set' ? ['set --clear'] : [])])
  .map((form) => `       ephemeral-ports reserved ${form} [--dry-run] [options]`)
  .join('\n')}

Linux: net.ipv4.ip_local_reserved_ports — ports the kernel never hands out automatically (connect() without
bind, bind(0)); services can still bind them explicitly. Reserve the ports of services that live inside the
ephemeral range. Windows: excluded port ranges (read only here). A write replaces the whole list; "set --clear"
(or "set none") clears it, and a list with no entries is refused. <ports> are PORT or LOW-HIGH entries separated
by commas or spaces.

Options:
  --dry-run          Show what would change; change nothing
  --clear            With set and no list: remove every reserved port
  --netns <path>     Linux: inside this network namespace
  --protocol <p>     Windows: excluded ranges of tcp (default) or udp
  --json             Print {platform, kind, ports, count, source} or, for changes,
                     {platform, dryRun, previous, current, requested, added, removed}
  -h, --help         Show this help

Examples:
  ephemeral-ports reserved
  sudo ephemeral-ports reserved add 8080 9000-9100
  sudo ephemeral-ports reserved set 30000-32767 --dry-run
  sudo ephemeral-ports reserved set --clear
`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { booleans: ['dry-run', 'clear'], strings: ['netns', 'protocol'] });
    const netns = args.values.get('netns');
    const protocol = protocolOption(args);
    const scope = { ...(netns ? { netns } : {}), ...(protocol ? { protocol } : {}) };
    const [first, ...rest] = args.positionals;
    const api = await import('../../reserved-ports.js');
    if (first === undefined) {
      if (args.flags.has('dry-run')) throw usageError('--dry-run only applies to set, add and remove');
      // Listing instead would let a user believe the ports were cleared.
      if (args.flags.has('clear')) throw usageError(`--clear only applies to set: ${ctx.program} reserved set --clear`);
      const report = await api.getReservedPorts(scope);
      if (ctx.json) writeJson(ctx, report);
      else ctx.stdout.write(`${report.kind} ports: ${report.count === 0 ? 'none' : `${report.ports} (${report.count})`}\n`);
      return 0;
    }
    if (!(ACTIONS as readonly string[]).includes(first)) {
      throw usageError(`unknown reserved action ${JSON.stringify(first)}; use ${ACTIONS.join(', ')}`);
    }
    const clear = args.flags.has('clear');
    if (clear && (first !== 'set' || rest.length > 0)) throw usageError('--clear goes with "reserved set" and no port list');
    if (rest.length === 0 && !clear) throw usageError(`reserved ${first} needs a port list (reserved set --clear empties it)`);
    if (first !== 'set' && rest.some((w) => w === 'none')) throw usageError(`"none" only works with reserved set`);
    // An empty list would clear every reservation: only on purpose ("none", --clear), never from an empty variable.
    // Words are joined by a space, which the list syntax reads like a comma: `8080, 9000` typed in a shell is fine.
    const typed = rest.join(' ');
    if (!clear && /^[\s,]*$/.test(typed)) {
      throw usageError(
        `the port list ${JSON.stringify(typed)} has no entries; nothing was changed`,
        `to remove every reserved port, run: ${ctx.program} reserved set --clear`,
      );
    }
    const given = api.toPortSet(typed);
    let next: PortSet = given;
    if (first !== 'set') {
      const current = (await api.getReservedPorts(scope)).ports;
      next = (first as Action) === 'add' ? current.union(given) : current.subtract(given);
    }
    const report = await api.setReservedPorts(next, { ...scope, dryRun: args.flags.has('dry-run') });
    if (ctx.json) {
      writeJson(ctx, report);
      return 0;
    }
    const show = (s: PortSet) => (s.isEmpty ? 'none' : s.toString());
    let out = report.dryRun ? 'dry run: nothing was changed\n' : '';
    out += `reserved ports: ${show(report.previous)} → ${show(report.dryRun ? report.requested : report.current)}\n`;
    if (!report.added.isEmpty) out += `  added:   ${report.added}\n`;
    if (!report.removed.isEmpty) out += `  removed: ${report.removed}\n`;
    ctx.stdout.write(out);
    return 0;
  },
};
export default command;
