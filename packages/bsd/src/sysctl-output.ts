/**
 * Parsers for sysctl(8) output on FreeBSD and macOS (both print the same shapes for integer OIDs):
 * - `sysctl -n a b c` prints one value per line, in argument order;
 * - `sysctl net.inet.ip.portrange` prints `name: value` lines for every OID under the node.
 * Every parser returns exactly what the text says or throws `ERR_EPHEMERAL_PARSE`; it never guesses a number.
 */
import { EphemeralPortsError, ErrorCodes } from '@ephemeral-ports/core';
import { BSD_OIDS, BSD_READ_KEYS, type BsdOs } from './sysctl-names.js';
import { type BsdPortRanges, portRangesFromValues } from './port-ranges.js';

const INTEGER = /^-?\d{1,10}$/;
const LISTING_LINE = /^([A-Za-z0-9_.%-]+): (.*)$/;

function parseError(message: string): EphemeralPortsError {
  return new EphemeralPortsError(ErrorCodes.PARSE, `cannot parse sysctl output: ${message}`);
}

function lines(text: string): string[] {
  const out = text.split('\n').map((l) => l.replace(/\r$/, ''));
  while (out.length > 0 && out[out.length - 1]!.trim() === '') out.pop();
  return out;
}

function toInt(raw: string, name: string): number {
  const text = raw.trim();
  if (!INTEGER.test(text)) throw parseError(`${name} is not an integer: ${JSON.stringify(text.slice(0, 40))}`);
  const value = Number(text);
  if (value < -2147483648 || value > 2147483647) throw parseError(`${name} does not fit a C int: ${text}`);
  return value;
}

/** Parses `sysctl -n <names...>` output: exactly one integer line per name. */
export function parseSysctlValues(text: string, names: readonly string[]): number[] {
  const got = lines(text);
  if (got.length !== names.length) {
    throw parseError(`expected ${names.length} line(s) for ${names.join(' ')}, got ${got.length}`);
  }
  return got.map((line, i) => toInt(line, names[i]!));
}

/** Parses `sysctl <node>` output into name → raw value text, in output order. */
export function parseSysctlListing(text: string): Map<string, string> {
  const out = new Map<string, string>();
  lines(text).forEach((line, i) => {
    if (line.trim() === '') return;
    const m = LISTING_LINE.exec(line);
    if (!m) throw parseError(`line ${i + 1} is not "name: value": ${JSON.stringify(line.slice(0, 60))}`);
    out.set(m[1]!, m[2]!);
  });
  return out;
}

/** A full reading from `sysctl net.inet.ip.portrange` output; names this OS must have are required. */
export function portRangesFromListing(os: BsdOs, text: string): BsdPortRanges {
  const listing = parseSysctlListing(text);
  const values = BSD_READ_KEYS[os].map((key) => {
    const name = BSD_OIDS[key];
    const raw = listing.get(name);
    if (raw === undefined) throw parseError(`${name} is missing`);
    return toInt(raw, name);
  });
  return portRangesFromValues(os, values);
}
