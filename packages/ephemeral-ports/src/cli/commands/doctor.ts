/** `ephemeral-ports doctor`: verdict with reasons and remedies; the exit code carries the verdict. */
import { type Command, ExitCode } from '../command.js';
import { atMost, censusOptions, parseArgs } from '../args.js';
import { paint, writeJson } from '../output.js';

/** ok → 0, warn → 10, critical → 11 (ExitCode.VERDICT_BASE + n), so monitors can branch without parsing. */
export const DOCTOR_EXIT = { ok: ExitCode.OK, warn: ExitCode.VERDICT_BASE, critical: ExitCode.VERDICT_BASE + 1 } as const;

const command: Command = {
  name: 'doctor',
  summary: 'Diagnose port exhaustion and range conflicts (exit 0 ok, 10 warn, 11 critical)',
  usage: `Usage: ephemeral-ports doctor [options]

Judge the socket census against the ephemeral range: destinations close to running out, range pressure,
TIME_WAIT piles, bind-before-connect, listeners inside the range, reserved ports eating the range. Every finding
comes with concrete remedies (exact commands). Without --netns it also checks that the boot configuration this
tool writes wins at boot (PERSIST_OVERRIDDEN names the later file and line; see persist status), and its
remedies persist to the file that wins. Rules: docs/doctor.md.

Exit status: 0 ok, 10 warn, 11 critical (1 on errors), for scripts and monitors.

Options:
  --netns <path>   Linux: diagnose this network namespace (/proc/<pid>/ns/net, /run/netns/<name>)
  --method <m>     Linux: how to list sockets: auto (default), netlink or procfs
                   (auto: sock_diag, else /proc/net where netlink is refused)
  --json           Print {verdict, findings: [{rule, severity, reason, remedies, subject?}], usage}
  -h, --help       Show this help

Examples:
  ephemeral-ports doctor
  ephemeral-ports doctor --json | jq -r '.findings[].reason'
  ephemeral-ports doctor >/dev/null || alert "ports: exit $?"
`,
  async run(argv, ctx) {
    const args = parseArgs(argv, { strings: ['netns', 'method'] });
    atMost(args, 0, 'doctor');
    const { doctor } = await import('../../diagnostics/usage.js');
    const options = censusOptions(args);
    const result = await doctor(options);
    if (ctx.json) {
      writeJson(ctx, { verdict: result.verdict, exitCode: DOCTOR_EXIT[result.verdict], findings: result.findings, usage: result.usage });
    } else {
      const { renderDoctor } = await import('../../diagnostics/text.js');
      ctx.stdout.write(renderDoctor(result, paint(ctx)));
    }
    return DOCTOR_EXIT[result.verdict];
  },
};
export default command;
