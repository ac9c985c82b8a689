/**
 * The three per-namespace knobs under /proc/sys/net/ipv4/ and their text formats (platform-facts §3.1, §3.5):
 * - `ip_local_port_range` reads as "32768\t60999\n" and is written as "49152 65535\n" in one write();
 * - `ip_local_reserved_ports` reads and writes "1-4,10\n" (ranges need `-`; a write replaces the whole list, "\n"
 *   clears it). That is the text form of core's PortSet, so core's `parseLinuxReservedPorts`, which the CLI's port
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
  parseLinuxReservedPorts,
  portRange,
} from '@ephemeral-ports/core/model';

export type KnobName = 'ip_local_port_range' | 'ip_local_reserved_ports' | 'ip_unprivileged_port_start';

export const PROCFS_DIR = '/proc/sys/net/ipv4';
export const knobPath = (knob: KnobName): string => `${PROCFS_DIR}/${knob}`;

/** The kernel parses at most one page per write() of a large bitmap; longer lists would be applied in part. */
export const MAX_RESERVED_TEXT_BYTES = 4095;

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

function parseError(knob: KnobName, text: unknown, why: string): EphemeralPortsError {
  return new EphemeralPortsError(ErrorCodes.PARSE, `cannot parse ${knobPath(knob)} from ${describe(text)}: ${why}`, {
    path: knobPath(knob),
  });
}

function port(token: string, knob: KnobName, text: string): number {
  if (!DECIMAL.test(token)) {
    const why = /^0[0-9]+$/.test(token) ? 'has leading zeros, which are ambiguous (octal to the kernel)' : 'is not a decimal port number';
    throw parseError(knob, text, `${describe(token)} ${why}`);
  }
  // Length first: a long digit string would round to a wrong double.
  const value = token.length > 5 ? Number.POSITIVE_INFINITY : Number(token);
  if (value > MAX_PORT) throw parseError(knob, text, `${describe(token)} is above ${MAX_PORT}`);
  return value;
}

/** `"32768\t60999\n"` (any whitespace between and around the two numbers; the first not above the second). */
export function parseRangeText(text: string): PortRange {
  const knob = 'ip_local_port_range';
  if (typeof text !== 'string') throw parseError(knob, text, 'expected a string');
  const tokens = text.trim().split(/\s+/);
  if (tokens.length !== 2 || tokens[0] === '') {
    throw parseError(knob, text, `expected two numbers, found ${tokens[0] === '' ? 0 : tokens.length}`);
  }
  const low = port(tokens[0]!, knob, text);
  const high = port(tokens[1]!, knob, text);
  if (low > high) throw parseError(knob, text, `the first number (${low}) is above the second (${high})`);
  return portRange(low, high);
}

/** What to write in one write() at offset 0: `"low high\n"`. */
export function formatRangeText(range: PortRange): string {
  const r = portRange(range.low, range.high);
  return `${r.low} ${r.high}\n`;
}

/** `"1-4,10\n"`; `""` or `"\n"` is the empty list. */
export function parseReservedText(text: string): PortSet {
  try {
    return parseLinuxReservedPorts(text);
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
  return port(text.trim(), knob, text);
}
