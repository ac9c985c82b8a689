/**
 * CLI entry (`ephemeral-ports`, `ephport`). Kept tiny: it parses only the command word and the output flags,
 * then loads that one command. Everything heavier (the facade, a backend, an addon) loads inside the command.
 */
import { basename } from 'node:path';
import type { CliContext } from './command.js';
import { ALIASES, COMMANDS } from './commands/index.js';
import { usageError } from './args.js';
import { reportError } from './exit.js';
import { fdWriter, stdoutIsTTY } from './fd-writer.js';

export { ExitCode } from './command.js';

/**
 * Builds the context from the process: colour only on a TTY without `NO_COLOR` (https://no-color.org). Output
 * goes straight to fds 1 and 2, and the TTY question is asked only when needed (never for `--json`): both keep
 * Node's stream modules out of a short command (see fd-writer.ts).
 */
export function processContext(argv: readonly string[]): CliContext {
  const json = argv.includes('--json');
  const noColor = (process.env.NO_COLOR ?? '') !== '';
  let isTTY: boolean | undefined;
  return {
    stdout: fdWriter(1),
    stderr: fdWriter(2),
    json,
    get isTTY() {
      return (isTTY ??= stdoutIsTTY());
    },
    get color() {
      return !json && !noColor && process.env.TERM !== 'dumb' && this.isTTY;
    },
    env: process.env,
    program: programName(process.argv[1]),
  };
}

function programName(path: string | undefined): string {
  const name = path ? basename(path).replace(/\.[cm]?js$/, '') : '';
  return name === 'ephport' ? 'ephport' : 'ephemeral-ports';
}

/** Runs the CLI on `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: readonly string[], ctx: CliContext = processContext(argv)): Promise<number> {
  try {
    const first = argv[0];
    // No command word: the one-screen summary (it accepts --protocol/--netns/--json) or the main help.
    if (first === undefined || first.startsWith('-')) {
      if (argv.includes('--version') || argv.includes('-V')) return await version(ctx);
      const { default: summary } = await import('./summary.js');
      if (argv.includes('--help') || argv.includes('-h')) return writeUsage(await mainHelp(summary.usage), ctx);
      return await summary.run([...argv], ctx);
    }
    if (first === 'help') {
      return argv[1] === undefined ? await main(['--help'], ctx) : await main([argv[1], '--help'], ctx);
    }
    const name = ALIASES[first] ?? first;
    const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!load) {
      throw usageError(`unknown command ${JSON.stringify(first)}`, `commands: ${Object.keys(COMMANDS).join(', ')}`);
    }
    const { default: command } = await load();
    const rest = argv.slice(1);
    const beforeDashes = rest.indexOf('--') === -1 ? rest : rest.slice(0, rest.indexOf('--'));
    if (beforeDashes.includes('--help') || beforeDashes.includes('-h')) return writeUsage(command.usage, ctx);
    return await command.run(rest, ctx);
  } catch (error) {
    return reportError(error, ctx);
  }
}

/** The main help lists every command with its summary (loading them all is fine here: --help is not hot). */
async function mainHelp(template: string): Promise<string> {
  const names = Object.keys(COMMANDS).sort();
  const commands = await Promise.all(names.map(async (n) => (await COMMANDS[n]!()).default));
  const width = Math.max(...names.map((n) => n.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return template.replace('{{COMMANDS}}', lines);
}

function writeUsage(text: string, ctx: CliContext): number {
  ctx.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  return 0;
}

async function version(ctx: CliContext): Promise<number> {
  const { createRequire } = await import('node:module');
  const pkg = createRequire(__filename)('../package.json') as { version: string };
  ctx.stdout.write(ctx.json ? `${JSON.stringify({ version: pkg.version })}\n` : `${pkg.version}\n`);
  return 0;
}

/** Sets the exit code and lets the process end by itself (no process.exit: a stream fallback may still drain). */
export function run(): void {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
