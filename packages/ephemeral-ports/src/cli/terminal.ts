/**
 * Terminal conventions, decided per stream: colour (stdout's by stdout's TTY, stderr's by stderr's), the
 * `--color`/`--no-color` flags, `FORCE_COLOR` and `NO_COLOR`, and wrapping long lines to the terminal width.
 * Nothing here creates `process.stdout`/`process.stderr` for a pipe or a file (see fd-writer.ts).
 */
import { fstatSync } from 'node:fs';
import type { Writer } from './command.js';

/** What the command line asked for: `--color[=always]`, `--no-color`/`--color=never`, or nothing/`--color=auto`. */
export type ColorRequest = 'always' | 'never' | 'auto';

const COLOR_FLAGS: Readonly<Record<string, ColorRequest>> = {
  '--color': 'always',
  '--color=always': 'always',
  '--color=auto': 'auto',
  '--color=never': 'never',
  '--no-color': 'never',
};

/**
 * Takes the colour flags out of `argv` (they are global: every command accepts them, anywhere before `--`).
 * The last one wins, as in GNU tools.
 */
export function takeColorFlags(argv: readonly string[]): { argv: string[]; color: ColorRequest } {
  let color: ColorRequest = 'auto';
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const request = Object.hasOwn(COLOR_FLAGS, word) ? COLOR_FLAGS[word] : undefined;
    if (request) color = request;
    else rest.push(word);
  }
  return { argv: rest, color };
}

/**
 * Whether to colour one stream. A flag wins; then `FORCE_COLOR` (as in Node and supports-color: `0`/`false` turn
 * colour off, any other value on, and it outranks `NO_COLOR`); then `NO_COLOR` (https://no-color.org: any
 * non-empty value); then `TERM=dumb`; then whether that stream is a terminal.
 */
export function colorFor(request: ColorRequest, env: NodeJS.ProcessEnv, isTTY: () => boolean): boolean {
  if (request !== 'auto') return request === 'always';
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if ((env.NO_COLOR ?? '') !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY();
}

/**
 * Whether `fd` is a terminal. fstat answers for a pipe or a file without creating the stream (node:tty and the
 * stream load node:net); a character device may be a terminal or /dev/null, which only the stream can tell.
 */
export function fdIsTTY(fd: 1 | 2): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return Boolean((fd === 1 ? process.stdout : process.stderr).isTTY);
}

/** The terminal width of `fd`, or undefined when it is not a terminal (piped output is never wrapped). */
export function terminalColumns(fd: 1 | 2): number | undefined {
  if (!fdIsTTY(fd)) return undefined;
  const stream = fd === 1 ? process.stdout : process.stderr;
  const columns = (stream as { columns?: number }).columns;
  return typeof columns === 'number' && columns > 0 ? columns : undefined;
}

// SGR colour codes and other CSI sequences take no room on screen.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001b\[[0-9;?]*[A-Za-z]/g;

export function visibleLength(text: string): number {
  return text.replace(ESCAPES, '').length;
}

/**
 * Wraps each line longer than `width` at spaces. A continuation line is indented like the line's text: under the
 * description of an option row (`  --flag <v>   description`), under the value of `key: value`, else under the
 * line's own indent; a word too long for that indent goes under the line's own indent. A word is never cut (URLs
 * and paths stay copyable), so one longer than the width is left to the terminal.
 */
export function wrapText(text: string, width: number): string {
  if (!Number.isFinite(width) || width < 20) return text;
  return text
    .split('\n')
    .map((line) => (visibleLength(line) <= width ? line : wrapLine(line, width)))
    .join('\n');
}

function wrapLine(line: string, width: number): string {
  let indent = hangingIndent(line);
  if (indent > width / 2) indent = leadingSpaces(line);
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  let current = '';
  // Split into words keeping the spaces that follow each, so the first segment keeps its alignment.
  for (const token of line.match(/\S+\s*|\s+/g) ?? []) {
    const word = token.trimEnd();
    const candidate = current + word;
    if (current.trim() !== '' && visibleLength(candidate) > width) {
      out.push(current.trimEnd());
      // A word too long for the hanging indent (a path) starts under the line's own indent instead.
      const fits = pad.length + visibleLength(word) <= width;
      current = (fits ? pad : ' '.repeat(leadingSpaces(line))) + token.trimStart();
    } else {
      current += token;
    }
  }
  if (current.trim() !== '') out.push(current.trimEnd());
  return out.join('\n');
}

function leadingSpaces(line: string): number {
  return line.length - line.trimStart().length;
}

function hangingIndent(line: string): number {
  const plain = line.replace(ESCAPES, '');
  const lead = leadingSpaces(plain);
  // An option or command row: text, then two or more spaces, then the description.
  const column = /^(\s*\S(?:\S| (?! ))*\s{2,})\S/.exec(plain);
  if (column) return column[1]!.length;
  // `key: value` with a one-word key (`error [EACCES]: ...`, `remedy: ...`), or a list item (`- ...`).
  const key = /^(\s*[\w-]+(?: \[[\w-]+\])?:\s+)\S/.exec(plain) ?? /^(\s*[-*]\s+)\S/.exec(plain);
  if (key) return key[1]!.length;
  return lead;
}

/**
 * Joins the lines of each prose paragraph (unindented lines up to a blank or indented line, the help texts'
 * hand-wrapped prose) when one is longer than `width`, so wrapText re-fills it instead of leaving ragged
 * lines. Label lines (`Options:`) and indented blocks stay as they are. Only for help text: in command output,
 * adjacent unindented lines are separate records.
 */
export function reflowParagraphs(text: string, width: number): string {
  const lines = text.split('\n');
  const out: string[] = [];
  const prose = (l: string | undefined) => l !== undefined && /^\S/.test(l) && !/:\s*$/.test(l);
  for (let i = 0; i < lines.length; i++) {
    if (!prose(lines[i])) {
      out.push(lines[i]!);
      continue;
    }
    let j = i;
    while (prose(lines[j + 1])) j++;
    const run = lines.slice(i, j + 1);
    out.push(run.some((l) => visibleLength(l) > width) ? run.join(' ') : run.join('\n'));
    i = j;
  }
  return out.join('\n');
}

/** A writer that wraps what it writes to `width()` columns; `width()` is asked once, at the first write. */
export function wrappingWriter(inner: Writer, width: () => number | undefined): Writer {
  let columns: number | undefined | null = null;
  return {
    write(chunk: string) {
      if (columns === null) columns = width();
      return inner.write(columns === undefined ? chunk : wrapText(chunk, columns));
    },
  };
}
