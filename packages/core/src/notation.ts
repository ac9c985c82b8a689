/**
 * Conversions between {@link PortRange}/{@link PortSet} and each OS's native notation.
 *
 * Parsers of OS output throw `ERR_EPHEMERAL_PARSE` on anything malformed and never return a wrong number: only plain
 * decimal digits are accepted (no signs, no hex, no leading zeros — the kernel's sysctl parser may read
 * `010` as octal), every number must be a port (0..65535), and inverted pairs are refused where the OS never
 * prints one. The human-input parsers at the end are the exception: see their section.
 *
 * Formats (../shared/docs/platform-facts.md):
 * - Linux `ip_local_reserved_ports`: `"1-4,10\n"` (normalised by the kernel; `""`/`"\n"` = empty), parsed here
 *   because the CLI's port lists use the same syntax; the other Linux formats live in @ephemeral-ports/linux.
 * - FreeBSD/macOS `portrange.first`/`last`: two ints, `first > last` allowed (the kernel swaps them at use).
 * - Windows `start` + `num` and AIX `tcp|udp_ephemeral_low/high`: parsed in @ephemeral-ports/win32 and /aix.
 */
import type { Protocol } from './platform.js';
import { type Diagnostic, EphemeralPortsError, ErrorCodes, invalidArgType, invalidArgValue } from './errors.js';
import { MAX_PORT, type PortRange, PortSet, describe, portRange } from './range.js';

/** A decimal without sign or leading zeros. */
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

function parseError(what: string, text: unknown, why: string): EphemeralPortsError {
  return new EphemeralPortsError(ErrorCodes.PARSE, `cannot parse ${what} from ${describe(text)}: ${why}`);
}

/** Parses one decimal port token; `what`/`text` only feed the error message. */
function parsePortToken(token: string, what: string, text: string): number {
  if (!DECIMAL.test(token)) {
    const why = /^0[0-9]+$/.test(token)
      ? `${describe(token)} has leading zeros, which are ambiguous (octal to the kernel)`
      : `${describe(token)} is not a decimal port number`;
    throw parseError(what, text, why);
  }
  // Length check first: a long digit string would round to a wrong double.
  const value = token.length > 5 ? Number.POSITIVE_INFINITY : Number(token);
  if (value > MAX_PORT) throw parseError(what, text, `${describe(token)} is above ${MAX_PORT}`);
  return value;
}

function requireString(text: unknown, what: string): string {
  if (typeof text !== 'string') throw parseError(what, text, 'expected a string');
  return text;
}

function orderedPair(low: number, high: number, what: string, text: unknown): PortRange {
  if (low > high) throw parseError(what, text, `the first number (${low}) is above the second (${high})`);
  return portRange(low, high);
}

// ---------------------------------------------------------------------------------------------------------------
// Port lists: Linux ip_local_reserved_ports and the CLI's port lists share this syntax, the text form of PortSet
// (its toString() writes it). The Linux range and the knobs' other formats live in @ephemeral-ports/linux.

const PORT_LIST = 'port list';

/**
 * Parses `"1,2-4,10"` (kernel output `"1-4,10\n"`; `""` or `"\n"` is the empty list). Items may be unsorted,
 * overlapping or repeated, as the kernel accepts on write; ranges must use `-` (`"1024 15999"` is refused, as
 * the kernel refuses it).
 */
export function parsePortListText(text: string): PortSet {
  const s = requireString(text, PORT_LIST);
  const body = s.trim();
  if (body === '') return PortSet.EMPTY;
  const ranges: PortRange[] = [];
  for (const item of body.split(',')) {
    const dash = item.indexOf('-');
    if (item === '') throw parseError(PORT_LIST, s, 'empty item between commas');
    if (dash < 0) {
      const port = parsePortToken(item, PORT_LIST, s);
      ranges.push({ low: port, high: port });
    } else {
      const low = parsePortToken(item.slice(0, dash), PORT_LIST, s);
      const high = parsePortToken(item.slice(dash + 1), PORT_LIST, s);
      ranges.push(orderedPair(low, high, PORT_LIST, s));
    }
  }
  return PortSet.fromRanges(ranges);
}

// ---------------------------------------------------------------------------------------------------------------
// Human input (CLI)
// What a human types, and what they paste: THE parsers of range, port and port-list text for the whole project
// (the CLI's `set`, `emit`, `--node-port-range`, `free-port --range`, `reserved`, the facade's text port lists).
// A range or port that does not parse is `ERR_INVALID_ARG_VALUE` (a TypeError), not `ERR_EPHEMERAL_PARSE`: this is
// user input, not OS output.

const RANGE_ARGUMENT = /^\s*(\d+)\s*(?:-|:|,|\s)\s*(\d+)\s*$/;
const RANGE_FORMS = 'LOW-HIGH, LOW:HIGH or "LOW HIGH" (e.g. 32768-60999)';

/**
 * Reads a range typed or pasted by a human: `32768-60999`, `32768:60999`, `32768,60999`, or `32768 60999` with
 * any spaces or tabs between and around (the exact output of `sysctl -n net.ipv4.ip_local_port_range`). `name`
 * is the argument the text came from (`range`, `--node-port-range`), for the message.
 */
export function parseRangeArgument(text: string, name = 'range'): PortRange {
  if (typeof text !== 'string') throw invalidArgType(name, `a string such as ${RANGE_FORMS}`, text);
  const fail = (why: string) => invalidArgValue(name, text, `${why}; expected ${RANGE_FORMS}`);
  const m = RANGE_ARGUMENT.exec(text);
  if (!m) throw fail('is not two port numbers');
  const low = parsePortArgumentToken(m[1]!, fail);
  const high = parsePortArgumentToken(m[2]!, fail);
  if (low > high) throw fail(`has low (${low}) above high (${high})`);
  return portRange(low, high);
}

/**
 * Reads a port list typed by a human: entries `PORT` or `LOW-HIGH` (spaces allowed around `-`) separated by `,`
 * or whitespace, e.g. `8080, 9000 - 9100`; `none` or nothing is the empty list. A list is what a reserved-ports
 * change applies, so bad entries are `ERR_EPHEMERAL_INVALID_PORT_LIST` with one violation each, as core's
 * `assertValidPortList` reports the entries of an array.
 */
export function parsePortListArgument(text: string, name = 'ports'): PortSet {
  return PortSet.fromRanges(parsePortListEntries(text, name));
}

/**
 * The entries of a port list typed by a human, as {@link parsePortListArgument} reads and checks them, in the order
 * typed (preferred ports are tried in that order); `none` or nothing is no entries.
 */
export function parsePortListEntries(text: string, name = 'ports'): PortRange[] {
  if (typeof text !== 'string') throw invalidArgType(name, 'a string such as 8080,9000-9100', text);
  const body = text.trim().replace(/\s*-\s*/g, '-');
  if (body === '' || body === 'none') return [];
  const ranges: PortRange[] = [];
  const violations: Diagnostic[] = [];
  // Two commas with nothing between, or a comma at an end, is a typo that would otherwise pass silently.
  if (/^,|,\s*,|,$/.test(body)) {
    violations.push({ code: 'PORTS_BAD_ENTRY', severity: 'error', message: 'an entry is empty (two commas in a row, or a comma at an end)', field: name });
  }
  for (const token of body.split(/[\s,]+/).filter((t) => t !== '')) {
    const fail = (why: string) => new Error(`entry ${describe(token)} ${why}`);
    try {
      const m = /^(\d+)(?:-(\d+))?$/.exec(token);
      if (!m) throw fail('is not PORT or LOW-HIGH');
      const low = parsePortArgumentToken(m[1]!, fail);
      const high = m[2] === undefined ? low : parsePortArgumentToken(m[2], fail);
      if (low > high) throw fail(`has low (${low}) above high (${high})`);
      ranges.push({ low, high });
    } catch (e) {
      violations.push({ code: 'PORTS_BAD_ENTRY', severity: 'error', message: (e as Error).message, field: name });
    }
  }
  if (violations.length > 0) {
    throw new EphemeralPortsError(
      ErrorCodes.INVALID_PORT_LIST,
      `invalid ${name}: ${violations.map((v) => v.message).join('; ')}; expected PORT or LOW-HIGH entries, e.g. 8080,9000-9100`,
      { violations },
    );
  }
  return ranges;
}

/** Reads one port typed by a human (`8080`). */
export function parsePortArgument(text: string, name = 'port'): number {
  if (typeof text !== 'string') throw invalidArgType(name, 'a string such as 8080', text);
  const fail = (why: string) => invalidArgValue(name, text, `${why}; expected a port number from 0 to ${MAX_PORT}`);
  const token = text.trim();
  if (!/^\d+$/.test(token)) throw fail('is not a decimal number');
  return parsePortArgumentToken(token, fail);
}

function parsePortArgumentToken(token: string, fail: (why: string) => Error): number {
  if (!DECIMAL.test(token)) throw fail(`has leading zeros in ${token}`);
  const value = token.length > 5 ? Number.POSITIVE_INFINITY : Number(token);
  if (value > MAX_PORT) throw fail(`has ${token}, above ${MAX_PORT}`);
  return value;
}
