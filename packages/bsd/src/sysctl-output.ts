/**
 * Parsers for sysctl(8) output on FreeBSD and macOS (both print the same shapes for integer OIDs):
 * - `sysctl -n a b c` prints one value per line, in argument order;
 * - `sysctl net.inet.ip.portrange` prints `name: value` lines for every OID under the node (`sysctl -e` prints
 *   `name=value`).
 * What a real machine may add is accepted: CRLF line ends (output captured through a Windows tool), tabs and
 * padding, blank lines, leading zeros or a `+`, and in a listing lines of other OIDs or of no OID at all (a
 * warning, a banner). What is refused, with `ERR_EPHEMERAL_PARSE` quoting the line, is a value of one of our OIDs
 * that is not a C int, or a `-n` output whose value lines do not match the names asked for. Never a guessed number.
 */
import { EphemeralPortsError, ErrorCodes } from '@ephemeral-ports/core';
import { BSD_OIDS, BSD_READ_KEYS, type BsdOs } from './sysctl-names.js';
import { type BsdPortRanges, portRangesFromValues } from './port-ranges.js';

const INTEGER = /^[-+]?\d+$/;
// `name: value` (sysctl), `name=value` (sysctl -e); the name is an OID path.
const LISTING_LINE = /^[ \t]*([A-Za-z0-9_%-]+(?:\.[A-Za-z0-9_%-]+)+)[ \t]*(?::|=)[ \t]*(.*?)[ \t]*$/;

function parseError(message: string): EphemeralPortsError {
  return new EphemeralPortsError(ErrorCodes.PARSE, `cannot parse sysctl output: ${message}`);
}

const quote = (line: string) => JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line);

/** Lines without their CR/LF, tabs and padding trimmed, blank ones dropped; each keeps its 1-based number. */
function lines(text: string): Array<{ n: number; text: string }> {
  return text
    .split(/\r\n|\r|\n/)
    .map((raw, i) => ({ n: i + 1, text: raw.replace(/^[ \t]+|[ \t]+$/g, '') }))
    .filter((l) => l.text !== '');
}

/** A C int from a value text (leading zeros and a sign allowed); `where` names the line in the error. */
function toInt(raw: string, name: string, where: string): number {
  const text = raw.trim();
  const value = INTEGER.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw parseError(`${where}: ${name} is not an integer: ${quote(text)}`);
  if (value < -2147483648 || value > 2147483647) throw parseError(`${where}: ${name} does not fit a C int: ${quote(text)}`);
  return value;
}

/** Parses `sysctl -n <names...>` output: exactly one integer line per name, blank lines ignored. */
export function parseSysctlValues(text: string, names: readonly string[]): number[] {
  const got = lines(text);
  if (got.length !== names.length) {
    throw parseError(
      `expected ${names.length} line(s) for ${names.join(' ')}, got ${got.length}` +
        (got.length > 0 ? `: ${got.map((l) => quote(l.text)).join(', ')}` : ''),
    );
  }
  return got.map((line, i) => toInt(line.text, names[i]!, `line ${line.n} ${quote(line.text)}`));
}

/** Parses `sysctl <node>` output into name → raw value text, in output order; lines that name no OID are skipped. */
export function parseSysctlListing(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of lines(text)) {
    const m = LISTING_LINE.exec(line.text);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** A full reading from `sysctl net.inet.ip.portrange` output; names this OS must have are required. */
export function portRangesFromListing(os: BsdOs, text: string): BsdPortRanges {
  const byName = new Map<string, { value: string; line: string }>();
  for (const line of lines(text)) {
    const m = LISTING_LINE.exec(line.text);
    if (m) byName.set(m[1]!, { value: m[2]!, line: `line ${line.n} ${quote(line.text)}` });
  }
  const values = BSD_READ_KEYS[os].map((key) => {
    const name = BSD_OIDS[key];
    const entry = byName.get(name);
    if (entry === undefined) throw parseError(`${name} is missing`);
    return toInt(entry.value, name, entry.line);
  });
  return portRangesFromValues(os, values);
}
