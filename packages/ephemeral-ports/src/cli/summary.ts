/**
 * What `ephemeral-ports` prints with no command: the live range and a one-screen summary (the README's main
 * job: `npx ephemeral-ports`). Same options as `get`; `--json` prints {range report, persisted, commands}, where
 * `persisted` is what `persist status` reports (null where it cannot be read): a later file overriding the
 * persisted range is a warning here too.
 */
import type { Command } from './command.js';
import { COMMANDS } from './commands/index.js';
import { type ArgSpec, atMost, parseArgs, protocolOption } from './args.js';
import { paint, rangeText, table, writeJson } from './output.js';

/** The program's own options (without a command); main.ts reads them too, to spot a command word after them. */
export const SUMMARY_ARGS = { strings: ['protocol', 'netns'] } as const satisfies ArgSpec;

const summary: Command = {
  name: '',
  summary: 'The live range and a one-screen summary',
  usage: `Usage: ephemeral-ports [command] [options]

Know, change and reason about the OS ephemeral port range. Without a command: the live range and a summary.

Commands:
{{COMMANDS}}
  (details: ephemeral-ports help <command>; every command takes --help and --color/--no-color, and all but
   completion take --json)

Options (without a command):
  --protocol <tcp|udp>      Which range (default tcp)
  --netns <path>            Linux: a network namespace
  --json                    Machine-readable summary
  -V, --version             Print the version
  --color                   Colour even when piped (default: on a terminal unless NO_COLOR is set;
                            FORCE_COLOR=1 forces it, FORCE_COLOR=0 turns it off)
  --no-color                Never colour. Every command takes --color and --no-color

Exit codes: 0 ok, 1 OS error, 2 usage error (nothing changed), 3 unsafe change refused, 4 unsupported here,
            10-19 diagnostic verdicts (doctor), 77 permission denied.

Examples:
  npx ephemeral-ports
  ephemeral-ports set 49152-65535 --dry-run
  ephemeral-ports explain 8080 5432
`,
  async run(argv, ctx) {
    const args = parseArgs(argv, SUMMARY_ARGS);
    atMost(args, 0, 'ephemeral-ports (did you mean a command? see --help)');
    const { getEphemeralRange } = await import('../range-report.js');
    const protocol = protocolOption(args);
    const netns = args.values.get('netns');
    const report = await getEphemeralRange({ ...(protocol ? { protocol } : {}), ...(netns ? { netns } : {}) });
    const commands = Object.keys(COMMANDS);
    // Windows keeps its persistent range in a store no boot file can override: nothing to add, and a spawn saved.
    const persisted = report.platform === 'win32' ? null : await persistedOrNull(protocol, netns);
    if (ctx.json) {
      writeJson(ctx, { ...report, persisted, commands });
      return 0;
    }
    const p = paint(ctx);
    const rows: Array<[string, string]> = [
      ['platform', `${report.platform} ${report.release} (${report.implementation})`],
      [`${report.protocol} range`, p.bold(rangeText(report.range))],
      ['source', report.source === 'default' ? p.yellow('default — the live value could not be read') : report.source],
      ['os default', report.defaults ? describeDefault(report.range, report.defaults) : 'unknown'],
    ];
    if (report.reserved) rows.push(['reserved', report.reserved.isEmpty ? 'none' : report.reserved.toString()]);
    if (report.netns) rows.push(['netns', report.netns]);
    if (persisted) rows.push(['next boot', nextBootText(persisted, p)]);
    let out = `${p.bold('ephemeral-ports')} — ports the kernel hands out to outgoing connections and bind(0)\n\n`;
    out += table(rows);
    for (const w of [...report.warnings, ...(persisted?.findings ?? [])]) out += `${w.severity === 'info' ? 'note' : p.yellow('warning')}: ${w.message}\n`;
    const steps: Array<[string, string]> = [
      ['explain <port>', "will my service's port collide with this range?"],
      ['set <low>-<high> --dry-run', 'preview a change (add --persist to keep it)'],
      ['emit kubernetes', 'configuration for fleet tools'],
      ['--help', `all commands: ${commands.join(', ')}`],
    ];
    const width = Math.max(...steps.map(([c]) => c.length));
    out += `\nNext steps:\n`;
    for (const [cmd, why] of steps) out += `  ${ctx.program} ${cmd.padEnd(width)}  ${why}\n`;
    ctx.stdout.write(out);
    return 0;
  },
};

type Status = Awaited<ReturnType<typeof import('../persist-status.js').persistStatus>>;

/** The boot configuration and whether it wins (persist status); null where it cannot be read (a namespace, no access). */
async function persistedOrNull(protocol: 'tcp' | 'udp' | undefined, netns: string | undefined): Promise<Status | null> {
  if (netns) return null; // the boot configuration belongs to the host, not to a namespace
  try {
    const { persistStatus } = await import('../persist-status.js');
    return await persistStatus(protocol ? { protocol } : {});
  } catch {
    return null;
  }
}

function nextBootText(s: Status, p: ReturnType<typeof paint>): string {
  if (s.configured === null) return `not persisted by ${s.target}${s.nextBoot ? ` (the boot applies ${rangeText(s.nextBoot)} from another file)` : ''}`;
  const warned = s.findings.find((f) => f.severity === 'warning');
  if (warned) {
    const why = warned.code === 'PERSIST_NOT_READ_AT_BOOT' ? 'is not read at boot' : 'is overridden';
    return p.yellow(`${s.nextBoot ? rangeText(s.nextBoot) : 'the kernel default'}: ${s.target} ${why} (see below)`);
  }
  return `${rangeText(s.nextBoot ?? s.configured)} (${s.target})`;
}

function describeDefault(live: { low: number; high: number }, def: { low: number; high: number }): string {
  const same = live.low === def.low && live.high === def.high;
  return `${rangeText(def)}${same ? ' — unchanged' : ' — the live range differs'}`;
}

export default summary;
