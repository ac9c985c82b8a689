/** `ephemeral-ports defaults [os]`: the documented default range per OS and release, with sources. */
import { DEFAULTS_SUBJECTS } from '@ephemeral-ports/core/model';
import type { Command } from '../command.js';
import { atMost, parseArgs, usageError } from '../args.js';
import { paint, rangeText, writeJson } from '../output.js';

const command: Command = {
  name: 'defaults',
  summary: 'The documented default range of each OS (and IANA / RFC 6056)',
  usage: `Usage: ephemeral-ports defaults [os] [--release <version>] [--json]

Without <os>: every OS's current default. With <os>: all of its entries by release, or with --release the one
that applies to that release (e.g. --release 6.1.0 for Linux, 10.0.19045 for Windows).
<os>: ${DEFAULTS_SUBJECTS.join(', ')}.

Options:
  --release <version>   Pick the entry for this OS release
  --json                Without <os>: [{os, range, releases, source, unverified, ...}];
                        with <os>: {os, entries: [...]} or, with --release, the one entry with its basis
  -h, --help            Show this help

Examples:
  ephemeral-ports defaults
  ephemeral-ports defaults linux --release 3.10.0
  ephemeral-ports defaults win32 --json
`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { strings: ['release'] });
    atMost(args, 1, 'defaults');
    const core = await import('@ephemeral-ports/core');
    const os = args.positionals[0];
    const release = args.values.get('release');
    if (os !== undefined && !(core.DEFAULTS_SUBJECTS as readonly string[]).includes(os)) {
      throw usageError(`unknown OS ${JSON.stringify(os)}; known: ${core.DEFAULTS_SUBJECTS.join(', ')}`);
    }
    if (release !== undefined && os === undefined) throw usageError('--release needs an <os>');
    // A typed release that holds no version would answer for "the current default" with a note: say so instead.
    if (release !== undefined && core.parseReleaseVersion(release) === null) {
      throw core.invalidArgValue('--release', release, 'holds no version number (e.g. 6.1.0, 14.1-RELEASE, 10.0.19045)');
    }
    const p = paint(ctx);
    const subject = os as (typeof core.DEFAULTS_SUBJECTS)[number] | undefined;

    if (subject === undefined) {
      const all = core.DEFAULTS_SUBJECTS.map((s) => core.defaultRange(s));
      if (ctx.json) writeJson(ctx, all);
      else {
        const width = Math.max(...all.map((d) => d.os.length));
        ctx.stdout.write(
          all
            .map((d) => `${d.os.padEnd(width)}  ${p.bold(rangeText(d.range).padEnd(22))} ${d.releases}${d.unverified ? p.yellow(' (partly unverified)') : ''}\n`)
            .join(''),
        );
      }
      return 0;
    }
    if (release !== undefined) {
      const d = core.defaultRange(subject, release);
      if (ctx.json) writeJson(ctx, d);
      else ctx.stdout.write(describeEntry(d, p.bold) + (d.note ? `  note: ${d.note}\n` : ''));
      return 0;
    }
    const entries = core.DEFAULT_RANGES[subject];
    if (ctx.json) writeJson(ctx, { os: subject, entries });
    else ctx.stdout.write(entries.map((e) => describeEntry(e, p.bold)).join(''));
    return 0;
  },
};

interface Entry {
  releases: string;
  range: { low: number; high: number };
  protocols?: { tcp: { low: number; high: number }; udp: { low: number; high: number } };
  source: string;
  unverified: boolean;
  unverifiedReason?: string;
  notes?: readonly string[];
}

function describeEntry(e: Entry, bold: (s: string) => string): string {
  let out = `${bold(rangeText(e.range))}  ${e.releases}\n`;
  if (e.protocols && (e.protocols.tcp.low !== e.protocols.udp.low || e.protocols.tcp.high !== e.protocols.udp.high)) {
    out += `  tcp ${rangeText(e.protocols.tcp)}, udp ${rangeText(e.protocols.udp)}\n`;
  }
  out += `  source: ${e.source}\n`;
  if (e.unverified) out += `  unverified: ${e.unverifiedReason ?? 'yes'}\n`;
  for (const n of e.notes ?? []) out += `  note: ${n}\n`;
  return out;
}

export default command;
