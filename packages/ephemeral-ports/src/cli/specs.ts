/**
 * The command specs as data, read from the same text `--help` prints (each command's `usage`): the man page
 * (man.ts) and the shell completions (completion.ts) are generated from it, so the three cannot disagree.
 *
 * A usage text is blocks separated by blank lines: `Usage: ...` (synopsis lines), prose paragraphs, and labelled
 * blocks (`Options:`, `Examples:`, `Targets:`, ...) whose entries are indented by two spaces.
 */
import { CENSUS_METHODS } from '@ephemeral-ports/core/model';
import type { Command } from './command.js';

export interface OptionSpec {
  /** Long name without dashes, e.g. `protocol`. */
  name: string;
  /** One-letter alias without the dash, e.g. `h`. */
  short?: string;
  /** The value placeholder as printed, e.g. `<tcp|udp>`; absent for a flag without value. */
  value?: string;
  /** The values a shell may offer for it: from a `<a|b>` placeholder, else known sets (census methods). */
  choices?: string[];
  /** Whether the value is a file system path (`<path>`, `<file>`, `<dir>`). */
  path?: boolean;
  description: string;
}

export interface Block {
  /** `Options`, `Examples`, `Targets`, ... or undefined for a prose paragraph. */
  label?: string;
  /** The block's lines; for a labelled block without the label line (indentation kept). */
  lines: string[];
}

export interface CommandSpec {
  name: string;
  summary: string;
  synopsis: string[];
  blocks: Block[];
  options: OptionSpec[];
  /** Words a first positional may take (a `Targets:` block's first column), for completion. */
  targets: string[];
}

export function specOf(command: Pick<Command, 'name' | 'summary' | 'usage'>): CommandSpec {
  const synopsis: string[] = [];
  const blocks: Block[] = [];
  for (const raw of command.usage.replace(/\s+$/, '').split(/\n\s*\n/)) {
    const lines = raw.split('\n');
    if (lines[0]!.startsWith('Usage:')) {
      synopsis.push(...lines.map((l) => l.replace(/^Usage:\s*|^\s+/, '')));
      continue;
    }
    const label = /^([A-Z][\w ()-]*):\s*$/.exec(lines[0]!)?.[1];
    blocks.push(label ? { label, lines: lines.slice(1) } : { lines });
  }
  const options = blocks.filter((b) => b.label?.startsWith('Options')).flatMap((b) => optionsOf(b.lines));
  return { name: command.name, summary: command.summary, synopsis, blocks, options, targets: targetsOf(command.name, synopsis, blocks) };
}

/**
 * The words a first positional may take, from the first of: a `Targets:` block's first column (emit); the literal
 * words after the command name in the synopsis lines (`reserved set|add|remove`, `persist status`); a prose line
 * `<os>: a, b, c.` naming the values of a positional of the synopsis (defaults).
 */
function targetsOf(name: string, synopsis: readonly string[], blocks: readonly Block[]): string[] {
  const table = (blocks.find((b) => b.label === 'Targets')?.lines ?? [])
    .map((l) => /^ {2}([a-z][\w.-]*)\s/.exec(l)?.[1])
    .filter((t): t is string => t !== undefined);
  if (table.length > 0) return table;
  const words = synopsis
    .map((line) => line.split(/\s+/))
    .filter((w) => w[1] === name && /^[a-z][\w-]*$/.test(w[2] ?? ''))
    .map((w) => w[2]!);
  if (words.length > 0) return [...new Set(words)];
  const placeholders = new Set(synopsis.flatMap((line) => [...line.matchAll(/[<[]([a-z][\w-]*)[>\]]/g)].map((m) => m[1]!)));
  for (const line of blocks.filter((b) => b.label === undefined).flatMap((b) => b.lines)) {
    const m = /^<([a-z][\w-]*)>: ([a-z][\w.-]*(?:, [a-z][\w.-]*)+)$/.exec(line.trim().replace(/\.$/, ''));
    if (m && placeholders.has(m[1]!)) return m[2]!.split(', ');
  }
  return [];
}

const OPTION_ROW = /^ {2}(?:-(\w), )?--([\w-]+)(?: (<[^>]+>))?(?:\s{2,}(.*))?$/;

function optionsOf(lines: readonly string[]): OptionSpec[] {
  const out: OptionSpec[] = [];
  for (const line of lines) {
    const m = OPTION_ROW.exec(line);
    if (m) {
      const [, short, name, value, description] = m;
      const option: OptionSpec = { name: name!, description: (description ?? '').trim() };
      if (short) option.short = short;
      if (value) {
        option.value = value;
        const inner = value.slice(1, -1);
        // `<tcp|udp>` lists literal values; `<r|none>` mixes a placeholder in, so it offers nothing.
        const parts = inner.split('|');
        if (parts.length > 1 && parts.every((w) => /^[a-z][a-z-]+$/.test(w))) option.choices = parts;
        else if (name === 'method') option.choices = [...CENSUS_METHODS];
        else if (/^(path|file|dir)$/.test(inner)) option.path = true;
      }
      out.push(option);
    } else if (out.length > 0 && /^\s{4,}\S/.test(line)) {
      // A continuation of the previous option's description.
      const last = out[out.length - 1]!;
      last.description = `${last.description} ${line.trim()}`.trim();
    }
  }
  return out;
}
