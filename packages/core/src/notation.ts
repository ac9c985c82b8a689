/**
 * Conversions between {@link PortRange}/{@link PortSet} and each OS's native notation.
 *
 * Parsers of OS output throw `ERR_EPHEMERAL_PARSE` on anything malformed and never return a wrong number: only plain
 * decimal digits are accepted (no signs, no hex, no leading zeros — the kernel's sysctl parser may read
 * `010` as octal), every number must be a port (0..65535), and inverted pairs are refused where the OS never
 * prints one. `parseRangeArgument` is the exception: it reads human input and throws `ERR_INVALID_ARGUMENT`.
 *
 * Formats (../shared/docs/platform-facts.md):
 * - Linux `ip_local_port_range`: read `"32768\t60999\n"`, write `"49152 65535\n"` in one write().
 * - Linux `ip_local_reserved_ports`: `"1-4,10\n"` (normalised by the kernel; `""`/`"\n"` = empty).
 * - FreeBSD/macOS `portrange.first`/`last`: two ints, `first > last` allowed (the kernel swaps them at use).
 * - Windows: `start` + `num` (number of ports).
 * - AIX: `tcp_ephemeral_low/high` and `udp_ephemeral_low/high`, separate per protocol.
 */
import type { Protocol } from './backend.js';
import { EphemeralPortsError, ErrorCodes } from './errors.js';
import { MAX_PORT, type PortRange, PortSet, describe, isPort, portRange, rangeSize } from './range.js';

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
// Linux ip_local_port_range

const LINUX_RANGE = 'net.ipv4.ip_local_port_range';

/** Parses `"32768\t60999\n"` (any whitespace between and around the two numbers). */
export function parseLinuxRange(text: string): PortRange {
  const s = requireString(text, LINUX_RANGE);
  const tokens = s.trim().split(/\s+/);
  if (tokens.length !== 2 || tokens[0] === '') {
    throw parseError(LINUX_RANGE, s, `expected two numbers, found ${tokens[0] === '' ? 0 : tokens.length}`);
  }
  const low = parsePortToken(tokens[0]!, LINUX_RANGE, s);
  const high = parsePortToken(tokens[1]!, LINUX_RANGE, s);
  return orderedPair(low, high, LINUX_RANGE, s);
}

/** The kernel's read form without the newline: `"low\thigh"`. */
export function formatLinuxRange(range: PortRange): string {
  const r = portRange(range.low, range.high);
  return `${r.low}\t${r.high}`;
}

/** What to write to the procfs file in one write() at offset 0: `"low high\n"`. */
export function formatLinuxRangeWrite(range: PortRange): string {
  const r = portRange(range.low, range.high);
  return `${r.low} ${r.high}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Linux ip_local_reserved_ports

const LINUX_RESERVED = 'net.ipv4.ip_local_reserved_ports';

/**
 * Parses `"1,2-4,10"` (kernel output `"1-4,10\n"`; `""` or `"\n"` is the empty list). Items may be unsorted,
 * overlapping or repeated, as the kernel accepts on write; ranges must use `-` (`"1024 15999"` is refused, as
 * the kernel refuses it).
 */
export function parseLinuxReservedPorts(text: string): PortSet {
  const s = requireString(text, LINUX_RESERVED);
  const body = s.trim();
  if (body === '') return PortSet.EMPTY;
  const ranges: PortRange[] = [];
  for (const item of body.split(',')) {
    const dash = item.indexOf('-');
    if (item === '') throw parseError(LINUX_RESERVED, s, 'empty item between commas');
    if (dash < 0) {
      const port = parsePortToken(item, LINUX_RESERVED, s);
      ranges.push({ low: port, high: port });
    } else {
      const low = parsePortToken(item.slice(0, dash), LINUX_RESERVED, s);
      const high = parsePortToken(item.slice(dash + 1), LINUX_RESERVED, s);
      ranges.push(orderedPair(low, high, LINUX_RESERVED, s));
    }
  }
  return PortSet.fromRanges(ranges);
}

/** Exactly as the kernel prints it, without the newline: `"1-4,10"`; the empty set is `""`. */
export function formatLinuxReservedPorts(ports: PortSet): string {
  return toPortSet(ports).ranges.map((r) => (r.low === r.high ? `${r.low}` : `${r.low}-${r.high}`)).join(',');
}

/** The write form: the kernel form plus `"\n"` (a lone `"\n"` clears the list; a write replaces it whole). */
export function formatLinuxReservedPortsWrite(ports: PortSet): string {
  return `${formatLinuxReservedPorts(ports)}\n`;
}

function toPortSet(ports: unknown): PortSet {
  if (!(ports instanceof PortSet)) {
    throw new EphemeralPortsError(ErrorCodes.INVALID_ARGUMENT, `expected a PortSet, got ${describe(ports)}`);
  }
  return ports;
}

// ---------------------------------------------------------------------------------------------------------------
// FreeBSD / macOS / OpenBSD first-last pairs

export interface BsdFirstLast {
  readonly first: number;
  readonly last: number;
}

export interface BsdRange {
  readonly range: PortRange;
  /** True when `first > last`: the kernel searches downward, e.g. the default `lowfirst=1023, lowlast=600`. */
  readonly swapped: boolean;
}

/** Converts the values of `portrange.first`/`last` (or `hifirst`/`hilast`, `lowfirst`/`lowlast`). */
export function fromBsdFirstLast(pair: BsdFirstLast): BsdRange {
  const what = 'a BSD first/last pair';
  const { first, last } = pair ?? ({} as Partial<BsdFirstLast>);
  for (const [name, v] of [['first', first], ['last', last]] as const) {
    if (!isPort(v)) throw parseError(what, pair, `${name} is ${describe(v)}, not a port number`);
  }
  const f = first as number;
  const l = last as number;
  return Object.freeze({ range: portRange(Math.min(f, l), Math.max(f, l)), swapped: f > l });
}

/** The values to store; `swapped` writes the ends in descending order (as the BSD low range is kept). */
export function toBsdFirstLast(range: PortRange, swapped = false): BsdFirstLast {
  const r = portRange(range.low, range.high);
  return Object.freeze(swapped ? { first: r.high, last: r.low } : { first: r.low, last: r.high });
}

// ---------------------------------------------------------------------------------------------------------------
// Windows start + number of ports

export interface WindowsDynamicPortRange {
  /** `Start Port` / `DynamicPortRangeStartPort`. */
  readonly start: number;
  /** `Number of Ports` / `DynamicPortRangeNumberOfPorts` (netsh `num=`). */
  readonly count: number;
}

/** Converts start + count to the inclusive range `start .. start + count - 1`. */
export function fromWindowsStartCount(value: WindowsDynamicPortRange): PortRange {
  const what = 'a Windows start/number of ports';
  const { start, count } = value ?? ({} as Partial<WindowsDynamicPortRange>);
  if (!isPort(start) || start === 0) throw parseError(what, value, `start is ${describe(start)}, not a port from 1 to 65535`);
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
    throw parseError(what, value, `number of ports is ${describe(count)}, not a positive integer`);
  }
  const end = start + count - 1;
  if (end > MAX_PORT) {
    throw parseError(what, value, `start ${start} + ${count} ports ends at ${end}, above ${MAX_PORT}`);
  }
  return portRange(start, end);
}

/** Converts an inclusive range to start + count (`count = high - low + 1`). */
export function toWindowsStartCount(range: PortRange): WindowsDynamicPortRange {
  const r = portRange(range.low, range.high);
  if (r.low === 0) throw new EphemeralPortsError(ErrorCodes.INVALID_ARGUMENT, 'a Windows range cannot start at port 0');
  return Object.freeze({ start: r.low, count: rangeSize(r) });
}

// ---------------------------------------------------------------------------------------------------------------
// AIX per-protocol low/high tunables

export interface AixEphemeralTunables {
  readonly tcp: { readonly low: number; readonly high: number };
  readonly udp: { readonly low: number; readonly high: number };
}

export type PerProtocolRanges = Readonly<Record<Protocol, PortRange>>;

/** The `no` tunable names of each protocol's range. */
export const AIX_TUNABLE_NAMES: Readonly<Record<Protocol, { readonly low: string; readonly high: string }>> =
  Object.freeze({
    tcp: Object.freeze({ low: 'tcp_ephemeral_low', high: 'tcp_ephemeral_high' }),
    udp: Object.freeze({ low: 'udp_ephemeral_low', high: 'udp_ephemeral_high' }),
  });

/** Converts the four tunable values to one range per protocol. */
export function fromAixTunables(values: AixEphemeralTunables): PerProtocolRanges {
  const out = {} as Record<Protocol, PortRange>;
  for (const protocol of ['tcp', 'udp'] as const) {
    const names = AIX_TUNABLE_NAMES[protocol];
    const pair = (values as Partial<AixEphemeralTunables> | undefined)?.[protocol];
    const low: unknown = pair?.low;
    const high: unknown = pair?.high;
    for (const [name, v] of [[names.low, low], [names.high, high]] as const) {
      if (!isPort(v)) throw parseError('AIX ephemeral tunables', values, `${name} is ${describe(v)}, not a port`);
    }
    out[protocol] = orderedPair(low as number, high as number, `AIX ${protocol} ephemeral tunables`, values);
  }
  return Object.freeze(out);
}

/** Converts per-protocol ranges back to the four tunable values. */
export function toAixTunables(ranges: PerProtocolRanges): AixEphemeralTunables {
  const pick = (p: Protocol) => {
    const r = portRange(ranges[p].low, ranges[p].high);
    return Object.freeze({ low: r.low, high: r.high });
  };
  return Object.freeze({ tcp: pick('tcp'), udp: pick('udp') });
}

/** `no -o` operands for one protocol, e.g. `['tcp_ephemeral_low=49152', 'tcp_ephemeral_high=65535']`. */
export function formatAixNoAssignments(protocol: Protocol, range: PortRange): [string, string] {
  const names = AIX_TUNABLE_NAMES[protocol];
  if (!names) throw new EphemeralPortsError(ErrorCodes.INVALID_ARGUMENT, `unknown protocol ${describe(protocol)}`);
  const r = portRange(range.low, range.high);
  return [`${names.low}=${r.low}`, `${names.high}=${r.high}`];
}

// ---------------------------------------------------------------------------------------------------------------
// Human input (CLI)

const RANGE_ARGUMENT = /^\s*(\d+)\s*(?:-|:|,|\s)\s*(\d+)\s*$/;

/**
 * Reads a range typed by a human: `49152-65535`, `49152 65535`, `49152:65535` or `49152,65535`.
 * Throws `ERR_INVALID_ARGUMENT` (not `ERR_EPHEMERAL_PARSE`: this is user input, not OS output).
 */
export function parseRangeArgument(text: string): PortRange {
  const fail = (why: string) =>
    new EphemeralPortsError(
      ErrorCodes.INVALID_ARGUMENT,
      `invalid port range ${describe(text)}: ${why}; expected LOW-HIGH, e.g. 49152-65535`,
    );
  if (typeof text !== 'string') throw fail('not a string');
  const m = RANGE_ARGUMENT.exec(text);
  if (!m) throw fail('not two port numbers');
  const low = parsePortArgumentToken(m[1]!, fail);
  const high = parsePortArgumentToken(m[2]!, fail);
  if (low > high) throw fail(`low (${low}) is above high (${high})`);
  return portRange(low, high);
}

/**
 * Reads a port list typed by a human, in the Linux reserved-ports syntax with optional spaces around `,` and
 * `-`: `80, 443, 8000 - 8100`. Throws `ERR_INVALID_ARGUMENT`.
 */
export function parsePortListArgument(text: string): PortSet {
  if (typeof text !== 'string') {
    throw new EphemeralPortsError(ErrorCodes.INVALID_ARGUMENT, `invalid port list ${describe(text)}: not a string`);
  }
  try {
    return parseLinuxReservedPorts(text.replace(/\s*([,-])\s*/g, '$1'));
  } catch (e) {
    const why = e instanceof EphemeralPortsError ? e.message.replace(/^.*?: /, '') : String(e);
    throw new EphemeralPortsError(
      ErrorCodes.INVALID_ARGUMENT,
      `invalid port list ${describe(text)}: ${why}; expected e.g. 80,443,8000-8100`,
      { cause: e },
    );
  }
}

/** Reads one port typed by a human (`8080`). Throws `ERR_INVALID_ARGUMENT`. */
export function parsePortArgument(text: string): number {
  const fail = (why: string) =>
    new EphemeralPortsError(ErrorCodes.INVALID_ARGUMENT, `invalid port ${describe(text)}: ${why}`);
  if (typeof text !== 'string') throw fail('not a string');
  const token = text.trim();
  if (!/^\d+$/.test(token)) throw fail('not a decimal number');
  return parsePortArgumentToken(token, fail);
}

function parsePortArgumentToken(token: string, fail: (why: string) => EphemeralPortsError): number {
  if (!DECIMAL.test(token)) throw fail(`${token} has leading zeros`);
  const value = token.length > 5 ? Number.POSITIVE_INFINITY : Number(token);
  if (value > MAX_PORT) throw fail(`${token} is above ${MAX_PORT}`);
  return value;
}
