/**
 * The three per-namespace knobs under /proc/sys/net/ipv4/ and their text formats (platform-facts §3.1, §3.5):
 * - `ip_local_port_range` reads as "32768\t60999\n" and is written as "49152 65535\n" in one write();
 * - `ip_local_reserved_ports` reads and writes "1-4,10\n" (ranges need `-`; a write replaces the whole list, "\n"
 *   clears it). That is the text form of core's PortSet, so core's `parsePortListText`, which the CLI's port
 *   lists share, is its one parser; this file only adds the file's path to its errors;
 * - `ip_unprivileged_port_start` is one number.
 * Parsers take only plain decimals (no sign, no leading zeros: the kernel's parser may read `010` as octal) and
 * throw ERR_EPHEMERAL_PARSE with the file's path on anything else, never a wrong number.
 */
import {
  EphemeralPortsError,
  ErrorCodes,
  MAX_PORT,
  type PortRange,
  type PortSet,
  describe,
  parsePortListText,
  portRange,
} from '@ephemeral-ports/core/model';

/** The knobs this package reads and sets. */
export type KnobName = 'ip_local_port_range' | 'ip_local_reserved_ports' | 'ip_unprivileged_port_start';
/** What it reads: also `tcp_tw_reuse`, a fact doctor weighs, never written. */
export type ReadableKnob = KnobName | 'tcp_tw_reuse';

export const PROCFS_DIR = '/proc/sys/net/ipv4';
export const knobPath = (knob: ReadableKnob): string => `${PROCFS_DIR}/${knob}`;

/** The kernel parses at most one page per write() of a large bitmap; longer lists would be applied in part. */
export const MAX_RESERVED_TEXT_BYTES = 4095;

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

function parseError(knob: KnobName, text: unknown, why: string): EphemeralPortsError {
  return new EphemeralPortsError(ErrorCodes.PARSE, `cannot parse ${knobPath(knob)} from ${describe(text)}: ${why}`, {
    path: knobPath(knob),
  });
}

/** Why `token` is not a port number as this project reads them, or undefined when it is one. */
function portProblem(token: string): string | undefined {
  if (DECIMAL.test(token)) return token.length > 5 || Number(token) > MAX_PORT ? `${describe(token)} is above ${MAX_PORT}` : undefined;
  // The kernel reads numbers with base 0 (kernel/sysctl.c proc_get_long): never guess what it would make of these.
  if (/^0[xX][0-9a-fA-F]+$/.test(token)) return `${describe(token)} is hexadecimal to the kernel; write it in decimal`;
  if (/^0[0-9]+$/.test(token)) return `${describe(token)} has leading zeros, which the kernel reads as octal (or refuses); write it in decimal`;
  return `${describe(token)} is not a decimal port number`;
}

/** `"32768\t60999\n"` read as a range, or why it is not one (any whitespace between and around the two numbers). */
export function rangeOrProblem(text: string): PortRange | { problem: string } {
  const tokens = text.trim().split(/\s+/);
  if (tokens.length !== 2 || tokens[0] === '') return { problem: `expected two numbers, found ${tokens[0] === '' ? 0 : tokens.length}` };
  const problem = portProblem(tokens[0]!) ?? portProblem(tokens[1]!);
  if (problem !== undefined) return { problem };
  const [low, high] = tokens.map(Number) as [number, number];
  if (low > high) return { problem: `the first number (${low}) is above the second (${high})` };
  return portRange(low, high);
}

/** `"32768\t60999\n"`; the first number not above the second. */
export function parseRangeText(text: string): PortRange {
  const knob = 'ip_local_port_range';
  if (typeof text !== 'string') throw parseError(knob, text, 'expected a string');
  const range = rangeOrProblem(text);
  if ('problem' in range) throw parseError(knob, text, range.problem);
  return range;
}

/** What to write in one write() at offset 0: `"low high\n"`. */
export function formatRangeText(range: PortRange): string {
  const r = portRange(range.low, range.high);
  return `${r.low} ${r.high}\n`;
}

/** `"1-4,10\n"`; `""` or `"\n"` is the empty list. */
export function parseReservedText(text: string): PortSet {
  try {
    return parsePortListText(text);
  } catch (error) {
    if (!(error instanceof EphemeralPortsError) || error.code !== ErrorCodes.PARSE) throw error;
    throw new EphemeralPortsError(ErrorCodes.PARSE, error.message, { path: knobPath('ip_local_reserved_ports'), cause: error });
  }
}

/** `"80,443,8000-8100\n"`, as the kernel prints it; the empty set writes `"\n"`, which clears the list. */
export function formatReservedText(ports: PortSet): string {
  return `${ports.toString()}\n`;
}

export function parseUnprivilegedStartText(text: string): number {
  const knob = 'ip_unprivileged_port_start';
  if (typeof text !== 'string') throw parseError(knob, text, 'expected a string');
  const problem = portProblem(text.trim());
  if (problem !== undefined) throw parseError(knob, text, problem);
  return Number(text.trim());
}
