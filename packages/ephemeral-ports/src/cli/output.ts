/** Output helpers shared by commands: JSON documents, colour that respects NO_COLOR, aligned key/value lines. */
import type { Diagnostic } from '@ephemeral-ports/core';
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

const sgr = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const plain = (s: string) => s;

export function paint(ctx: CliContext): Paint {
  if (!ctx.color) return { bold: plain, dim: plain, green: plain, yellow: plain, red: plain };
  return { bold: sgr(1, 22), dim: sgr(2, 22), green: sgr(32, 39), yellow: sgr(33, 39), red: sgr(31, 39) };
}

/** `key: value` lines with the values aligned. */
export function table(rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(0, ...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v}\n`).join('');
}

export function warningLines(ctx: CliContext, warnings: readonly Diagnostic[]): string {
  const p = paint(ctx);
  return warnings.map((w) => `${p.yellow('warning')} [${w.code}]: ${w.message}\n`).join('');
}

/** `40000-49999 (10000 ports)`. */
export function rangeText(range: { low: number; high: number }): string {
  const n = range.high - range.low + 1;
  return `${range.low}-${range.high} (${n} port${n === 1 ? '' : 's'})`;
}
