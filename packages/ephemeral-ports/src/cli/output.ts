/** Output helpers shared by commands: JSON documents, colour per stream (terminal.ts), aligned key/value lines. */
import type { Diagnostic } from '@ephemeral-ports/core';
import { createRequire } from 'node:module';
import type { CliContext } from './command.js';

/** Writes one JSON document (PortSet and errors serialize through their toJSON). */
export function writeJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
}

const plain = (s: string) => s;
const PLAIN: Paint = { bold: plain, dim: plain, green: plain, yellow: plain, red: plain };
let colors: Paint | undefined;

/**
 * Styles for one stream (stdout by default; pass 'stderr' for text written there), decided by terminal.ts.
 * The escape codes come from picocolors, loaded only when colour is on: its import asks `process.stdout.isTTY`,
 * which creates the stdout stream that a piped or `--json` run must not pay for (fd-writer.ts).
 */
export function paint(ctx: CliContext, stream: 'stdout' | 'stderr' = 'stdout'): Paint {
  const on = stream === 'stdout' ? ctx.color : (ctx.stderrColor ?? ctx.color);
  if (!on) return PLAIN;
  if (!colors) {
    const here = typeof __filename === 'string' ? __filename : import.meta.url;
    const { createColors } = createRequire(here)('picocolors') as typeof import('picocolors');
    colors = createColors(true);
  }
  return colors;
}

/** `key: value` lines with the values aligned. */
export function table(rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(0, ...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v}\n`).join('');
}

/** Warning lines for stderr (coloured by stderr's terminal). */
/** The info-severity findings among `findings`, as `note [CODE]: message` lines for stdout. */
export function noteLines(findings: readonly Diagnostic[]): string {
  return findings.filter((f) => f.severity === 'info').map((f) => `note [${f.code}]: ${f.message}\n`).join('');
}

export function warningLines(ctx: CliContext, warnings: readonly Diagnostic[]): string {
  const p = paint(ctx, 'stderr');
  return warnings.map((w) => `${p.yellow('warning')} [${w.code}]: ${w.message}\n`).join('');
}

/** `40000-49999 (10000 ports)`. */
export function rangeText(range: { low: number; high: number }): string {
  const n = range.high - range.low + 1;
  return `${range.low}-${range.high} (${n} port${n === 1 ? '' : 's'})`;
}
