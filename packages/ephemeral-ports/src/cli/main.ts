/**
 * CLI entry (`ephemeral-ports`, `ephport`). Kept tiny: it parses only the command word and the output flags,
 * then loads that one command. Everything heavier (the facade, a backend, an addon) loads inside the command.
 */
import { basename } from 'node:path';
import type { AllCommands, CliContext } from './command.js';
import { ALIASES, COMMANDS } from './commands/index.js';
import { usageError } from './args.js';
import { reportError } from './exit.js';
import { closest } from './suggest.js';
import { fdWriter } from './fd-writer.js';
import {
  type ColorRequest,
  colorFor,
  fdIsTTY,
  reflowParagraphs,
  takeColorFlags,
  terminalColumns,
  wrappingWriter,
} from './terminal.js';

export { ExitCode } from './command.js';

/**
 * Builds the context from the process. Colour is decided per stream (terminal.ts): stdout's by stdout's TTY,
 * stderr's by stderr's, after `--color`/`--no-color`, `FORCE_COLOR` and `NO_COLOR`. Human output is wrapped to
 * the terminal's width, and not at all when piped. Output goes straight to fds 1 and 2, and the TTY questions are
 * asked only when needed (never for `--json`): both keep Node's stream modules out of a short command (see
 * fd-writer.ts).
 */
export function processContext(argv: readonly string[]): CliContext {
  const { color: request } = takeColorFlags(argv);
  return contextFor(argv.includes('--json'), request);
}

function contextFor(json: boolean, request: ColorRequest): CliContext {
  let isTTY: boolean | undefined;
  let stdoutColor: boolean | undefined;
  let stderrColor: boolean | undefined;
  const env = process.env;
  return {
    stdout: json ? fdWriter(1) : wrappingWriter(fdWriter(1), () => terminalColumns(1)),
    stderr: json ? fdWriter(2) : wrappingWriter(fdWriter(2), () => terminalColumns(2)),
    json,
    get isTTY() {
      return (isTTY ??= fdIsTTY(1));
    },
    get color() {
      return !json && (stdoutColor ??= colorFor(request, env, () => this.isTTY));
    },
    get stderrColor() {
      return (stderrColor ??= colorFor(request, env, () => fdIsTTY(2)));
    },
    env,
    program: programName(process.argv[1]),
    allCommands,
  };
}

/** Loads every command and the summary (help, man page and completion only: never on a hot path). */
async function allCommands(): Promise<AllCommands> {
  const names = Object.keys(COMMANDS).sort();
  const [{ default: main }, ...commands] = await Promise.all([
    import('./summary.js'),
    ...names.map(async (n) => COMMANDS[n]!()),
  ]);
  return { main, commands: commands.map((c) => c.default) };
}

function programName(path: string | undefined): string {
  const name = path ? basename(path).replace(/\.[cm]?js$/, '') : '';
  return name === 'ephport' ? 'ephport' : 'ephemeral-ports';
}

/** Runs the CLI on `argv` (without node and script) and resolves to the exit code. */
export async function main(given: readonly string[], ctx: CliContext = processContext(given)): Promise<number> {
  const { argv } = takeColorFlags(given);
  try {
    const badColor = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : undefined).find((w) => w.startsWith('--color='));
    if (badColor) throw usageError(`${badColor}: --color takes always, auto or never`);
    const first = argv[0];
    // No command word: the one-screen summary (it accepts --protocol/--netns/--json) or the main help.
    if (first === undefined || first.startsWith('-')) {
      if (argv.includes('--version') || argv.includes('-V')) return await version(ctx);
      const { default: summary, SUMMARY_ARGS } = await import('./summary.js');
      if (argv.includes('--help') || argv.includes('-h')) return writeUsage(await mainHelp(summary.usage), ctx);
      const misplaced = commandAfterOptions(argv, SUMMARY_ARGS.strings);
      if (misplaced !== undefined) {
        const reordered = [misplaced.word, ...argv.filter((_, i) => i !== misplaced.index)];
        throw usageError(`options go after the command: ${ctx.program} ${reordered.map(shellWord).join(' ')}`);
      }
      return await summary.run([...argv], ctx);
    }
    if (first === 'help') {
      return argv[1] === undefined ? await main(['--help'], ctx) : await main([argv[1], '--help'], ctx);
    }
    const name = (Object.hasOwn(ALIASES, first) ? ALIASES[first] : undefined) ?? first;
    const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!load) throw unknownCommand(first, ctx);
    const { default: command } = await load();
    const rest = argv.slice(1);
    const beforeDashes = rest.indexOf('--') === -1 ? rest : rest.slice(0, rest.indexOf('--'));
    if (beforeDashes.includes('--help') || beforeDashes.includes('-h')) return writeUsage(command.usage, ctx);
    return await command.run(rest, ctx);
  } catch (error) {
    return reportError(error, ctx);
  }
}

/**
 * The first positional word when it names a command (`--json get`), skipping the values of the program's own
 * options (`--netns get` is a path named "get", not the command; the summary's own options, summary.ts). Words
 * after `--` are never commands.
 */
function commandAfterOptions(argv: readonly string[], valueOptions: readonly string[]): { word: string; index: number } | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') return undefined;
    if (valueOptions.includes(word.slice(2)) && word.startsWith('--')) i++;
    else if (!word.startsWith('-')) {
      const known = word === 'help' || Object.hasOwn(COMMANDS, word) || Object.hasOwn(ALIASES, word);
      return known ? { word, index: i } : undefined;
    }
  }
  return undefined;
}

/** A word as a POSIX shell reads it back: bare when safe, else single-quoted. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function unknownCommand(word: string, ctx: CliContext) {
  const names = [...Object.keys(COMMANDS), ...Object.keys(ALIASES), 'help'];
  const guess = closest(word, names);
  const list = `commands: ${Object.keys(COMMANDS).join(', ')}`;
  return usageError(`unknown command ${JSON.stringify(word)}`, guess ? `did you mean "${ctx.program} ${guess}"? (${list})` : list);
}

/** The main help lists every command with its summary (loading them all is fine here: --help is not hot). */
async function mainHelp(template: string): Promise<string> {
  const names = Object.keys(COMMANDS).sort();
  const commands = await Promise.all(names.map(async (n) => (await COMMANDS[n]!()).default));
  const width = Math.max(...names.map((n) => n.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return template.replace('{{COMMANDS}}', lines);
}

/** Help text; on a terminal narrower than its lines, paragraphs are re-filled (the writer wraps them). */
function writeUsage(given: string, ctx: CliContext): number {
  const columns = ctx.isTTY ? terminalColumns(1) : undefined;
  const text = columns === undefined ? given : reflowParagraphs(given, columns);
  ctx.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  return 0;
}

async function version(ctx: CliContext): Promise<number> {
  const { createRequire } = await import('node:module');
  const pkg = createRequire(__filename)('../package.json') as { version: string };
  ctx.stdout.write(ctx.json ? `${JSON.stringify({ version: pkg.version })}\n` : `${pkg.version}\n`);
  return 0;
}

/** The man page text (scripts/man-page.js writes it at build time), from the same specs as --help. */
export async function manPageText(): Promise<string> {
  const [{ specOf }, { manPage }, all] = await Promise.all([import('./specs.js'), import('./man.js'), allCommands()]);
  const { createRequire } = await import('node:module');
  const pkg = createRequire(__filename)('../package.json') as { version: string };
  return manPage({ version: pkg.version, main: specOf(all.main), commands: all.commands.map(specOf) });
}

/** Sets the exit code and lets the process end by itself (no process.exit: a stream fallback may still drain). */
export function run(): void {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
