/**
 * `ephemeral-ports report --html FILE`: a self-contained HTML page with the port map, the census and the doctor's
 * findings. `--bundle FILE`: the support bundle for a bug report (docs/support-bundle.md). Either or both.
 */
import { hostname } from 'node:os';
import type { Command } from '../command.js';
import { atMost, censusOptions, parseArgs, usageError } from '../args.js';
import { writeJson } from '../output.js';

/** A support bundle may hold host details (kernel version, the doctor's destinations): its owner only reads it. */
const BUNDLE_MODE = 0o600;

const command: Command = {
  name: 'report',
  summary: 'Write an HTML report (port map, sockets, doctor findings) or a support bundle for a bug report',
  usage: `Usage: ephemeral-ports report --html <file> [options]
       ephemeral-ports report --bundle <file|-> [options]

--html writes one self-contained HTML file (inline SVG and CSS, no scripts, nothing loaded from the network) with
the port map, the sockets per state, the ports used per destination versus what connect() can pick, and the
doctor's findings with their remedies. Open it in any browser, attach it to a ticket.

--bundle writes a support bundle: one JSON file with the raw outputs the tool read (procfs files, sysctl, no
and netsh outputs, with their commands, exit codes and locale), what it parsed from them, and the versions and
platform. No environment variables but LC_ALL and LANG, no host name. Attach it to a bug report
(docs/support-bundle.md). The file gets mode 0600; "-" writes it to stdout. A step that fails is recorded in the
bundle, not fatal.

Options:
  --html <file>    Where to write the HTML report (written atomically)
  --bundle <file>  Where to write the support bundle (written atomically, mode 0600; - for stdout)
  --netns <path>   Linux: report on this network namespace
  --method <m>     Linux: how to list sockets: auto (default), netlink or procfs
  --json           Print {html, bundle, verdict, findings, rawReads, failedSteps} instead of a sentence
  -h, --help       Show this help

Examples:
  ephemeral-ports report --html ports.html && xdg-open ports.html
  sudo ephemeral-ports report --html /tmp/blue.html --netns /run/netns/blue
  ephemeral-ports report --bundle ephemeral-ports-bundle.json
`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { strings: ['html', 'bundle', 'netns', 'method'] });
    atMost(args, 0, 'report');
    const html = args.values.get('html');
    const bundlePath = args.values.get('bundle');
    if (html === undefined && bundlePath === undefined) throw usageError('report needs --html <file> or --bundle <file>');
    if (bundlePath === '-' && ctx.json) {
      throw usageError('--bundle - writes the bundle to stdout, where --json would print a second document', 'drop --json, or give --bundle a file');
    }
    if (html === '-') throw usageError('--html needs a file name', 'the HTML report is written to a file');
    const census = censusOptions(args);
    const { takeSnapshot } = await import('../../diagnostics/snapshot.js');
    const { doctorOf, portMapOf } = await import('../../diagnostics/usage.js');
    const { checkWriteTarget, writeFileAtomic } = await import('../../diagnostics/files.js');
    // Both targets are checked before either is written: a refused one must leave nothing changed.
    if (html !== undefined) checkWriteTarget(html, '--html');
    if (bundlePath !== undefined && bundlePath !== '-') checkWriteTarget(bundlePath, '--bundle');
    // With the bundle on stdout, sentences go to stderr.
    const say = bundlePath === '-' ? ctx.stderr : ctx.stdout;

    // Everything is computed before anything is written: a step that fails leaves no file changed.
    let snapshot;
    let bundle: { text: string; rawReads: number; failedSteps: string[] } | undefined;
    if (bundlePath !== undefined) {
      const { collectBundle, formatSupportBundle } = await import('../../report/bundle.js');
      const { failedSteps } = await import('../../report/bundle-steps.js');
      const collected = await collectBundle({ ...census, diagnostics: true });
      snapshot = collected.snapshot;
      bundle = { text: formatSupportBundle(collected.bundle), rawReads: collected.bundle.raw.length, failedSteps: failedSteps(collected.bundle) };
    }
    let doctor;
    let page: string | undefined;
    if (html !== undefined) {
      // The bundle's snapshot when there is one: the page and the bundle then show the same moment.
      snapshot ??= await takeSnapshot(census);
      doctor = doctorOf(snapshot);
      page = (await import('../../report/html.js')).renderHtmlReport({
        map: portMapOf(snapshot),
        usage: doctor.usage,
        doctor,
        host: hostname(),
        ...(census.netns ? { netns: census.netns } : {}),
        time: new Date(snapshot.takenAt),
        os: snapshot.os,
        ...(snapshot.facts.unprivilegedPortStart !== undefined ? { unprivilegedStart: snapshot.facts.unprivilegedPortStart } : {}),
      });
    }

    if (bundlePath !== undefined && bundle !== undefined) {
      if (bundlePath === '-') ctx.stdout.write(bundle.text);
      else await writeFileAtomic(bundlePath, bundle.text, '--bundle', BUNDLE_MODE);
      if (!ctx.json) {
        const failed = bundle.failedSteps.length;
        say.write(
          `wrote ${bundlePath === '-' ? 'the support bundle to stdout' : `${bundlePath} (support bundle, mode 0600)`}: ` +
            `${bundle.rawReads} raw read(s)${failed > 0 ? `, ${failed} step(s) failed (recorded in it)` : ''}\n`,
        );
      }
    }
    if (html !== undefined && page !== undefined && doctor !== undefined) {
      await writeFileAtomic(html, page, '--html');
      if (!ctx.json) say.write(`wrote ${html} (verdict ${doctor.verdict}, ${doctor.findings.length} finding(s))\n`);
    }
    if (ctx.json) {
      writeJson(ctx, {
        ...(html !== undefined && { html }),
        ...(bundlePath !== undefined && bundle !== undefined && { bundle: bundlePath, rawReads: bundle.rawReads, failedSteps: bundle.failedSteps }),
        ...(doctor !== undefined && { verdict: doctor.verdict, findings: doctor.findings }),
      });
    }
    return 0;
  },
};
export default command;
