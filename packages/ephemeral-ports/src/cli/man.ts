/**
 * The man page `ephemeral-ports(1)`, rendered from the command specs (specs.ts: the `--help` texts), so the page
 * and `--help` say the same. Written at build time (scripts/man-page.js) into man/ephemeral-ports.1, which
 * package.json's `man` field installs.
 */
import type { Block, CommandSpec, OptionSpec } from './specs.js';

export interface ManInput {
  version: string;
  main: CommandSpec;
  commands: CommandSpec[];
}

/**
 * Escapes text for roff: backslashes, hyphens (so `--json` stays ASCII), a leading `.` or `'`, and any non-ASCII
 * character as a groff `\[uXXXX]` escape (the page itself stays ASCII, as man-db expects without a coding tag).
 */
export function roff(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/^([.'])/gm, '\\&$1')
    .replace(/[^\x00-\x7f]/gu, (c) => `\\[u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
}

export function manPage(input: ManInput): string {
  const out: string[] = [
    `.\\" Generated from the --help texts of ephemeral-ports ${input.version}; do not edit.`,
    `.TH EPHEMERAL\\-PORTS 1 "" "ephemeral\\-ports ${roff(input.version)}" "User Commands"`,
    '.SH NAME',
    'ephemeral\\-ports, ephport \\- know, change and reason about the OS ephemeral port range',
    '.SH SYNOPSIS',
    ...input.main.synopsis.flatMap((s) => ['.nf', roff(s), '.fi']),
    ...input.commands.flatMap((c) => ['.br', roff(c.synopsis[0] ?? `ephemeral-ports ${c.name}`)]),
  ];
  out.push('.SH DESCRIPTION', ...blocks(input.main.blocks.filter((b) => b.label !== 'Commands' && !b.label?.startsWith('Options'))));
  out.push('.SH OPTIONS', ...options(input.main.options));
  out.push('.SH COMMANDS');
  for (const c of input.commands) {
    out.push(`.SS ${c.name}`, roff(c.summary));
    if (c.synopsis.length > 0) out.push('.PP', '.nf', ...c.synopsis.map(roff), '.fi');
    out.push(...blocks(c.blocks.filter((b) => !b.label?.startsWith('Options'))));
    if (c.options.length > 0) out.push('.PP', 'Options:', '.RS', ...options(c.options), '.RE');
  }
  out.push(
    '.SH ENVIRONMENT',
    '.TP',
    '.B NO_COLOR',
    'Any non\\-empty value turns colour off (https://no\\-color.org).',
    '.TP',
    '.B FORCE_COLOR',
    'Colour even when the output is not a terminal; 0 or false turn colour off. Outranks NO_COLOR;',
    '\\-\\-color and \\-\\-no\\-color outrank both.',
    '.SH SEE ALSO',
    '.BR sysctl (8),',
    '.BR ip (8)',
  );
  return `${out.join('\n')}\n`;
}

function options(list: readonly OptionSpec[]): string[] {
  return list.flatMap((o) => {
    const name = `${o.short ? `\\-${o.short}, ` : ''}\\-\\-${roff(o.name)}`;
    const head = o.value === undefined ? `.B ${name}` : `.BI "${name} " "${roff(o.value).replace(/"/g, '\\(dq')}"`;
    return ['.TP', head, roff(o.description)];
  });
}

function blocks(list: readonly Block[]): string[] {
  return list.flatMap((b) => {
    if (b.label === undefined) {
      // A prose paragraph; a line that starts indented or with a label is kept as laid out.
      const laidOut = b.lines.some((l) => /^\s/.test(l));
      return laidOut ? ['.PP', '.nf', ...b.lines.map(roff), '.fi'] : ['.PP', roff(b.lines.join('\n'))];
    }
    return ['.PP', `${roff(b.label)}:`, '.RS', '.nf', ...b.lines.map((l) => roff(l.replace(/^ {2}/, ''))), '.fi', '.RE'];
  });
}
