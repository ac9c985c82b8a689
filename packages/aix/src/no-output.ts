/**
 * Parsers for the output of AIX's `no` command (IBM Docs "no Command" and "Common syntax for tuning commands",
 * AIX 7.3; field layout as parsed by IBM/ansible-power-aix plugins/modules/tunables.py).
 *
 * - `no -x [tunable]`: one line per tunable, comma-separated
 *   `name,current,default,reboot,min,max,unit,type,dependencies`; with `-F`, restricted tunables follow a
 *   `##Restricted tunables` line.
 * - `no -o tunable` and `no -a`: `name = value` lines, padded in `-a` (`       tcp_ephemeral_low = 32768`).
 *   The value is `n/a` for a tunable this system does not support, and with `-p` `NONE` when the current and
 *   next-boot values differ.
 *
 * A real `no -a` / `no -x` lists every network tunable, and some unrelated ones hold values that are not integers
 * (`{}`, a size with a unit) or lines that are not tunables at all (a warning, a section header). The parsers read
 * what they are asked for: lines they do not understand and tunables whose values are not numbers are skipped,
 * unless the tunable is one of `required`, in which case `ERR_EPHEMERAL_PARSE` quotes the line. CRLF, tabs,
 * padding and leading zeros are accepted. A number is never guessed.
 */
import { EphemeralPortsError, ErrorCodes } from '@ephemeral-ports/core';

/** Tunable types of `no -x` (S static, D dynamic, B bosboot, R reboot, C connect, M mount, I incremental, d deprecated). */
export type NoTunableType = 'S' | 'D' | 'B' | 'R' | 'C' | 'M' | 'I' | 'd';
const TYPES: ReadonlySet<string> = new Set(['S', 'D', 'B', 'R', 'C', 'M', 'I', 'd']);

/** A numeric field of `no` output: a number, or null for `n/a` (unsupported) / `NONE` (current ≠ next boot). */
export type NoValue = number | null;

export interface NoTunable {
  name: string;
  current: NoValue;
  default: NoValue;
  /** Value applied at next boot (from /etc/tunables/nextboot). */
  reboot: NoValue;
  min: NoValue;
  max: NoValue;
  unit: string;
  type: NoTunableType;
  dependencies: string[];
  restricted: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INTEGER = /^[-+]?\d+$/;
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*(\S+)$/;

class Unparsable extends Error {}

function parseError(why: string, lineNo: number, line: string): EphemeralPortsError {
  const shown = line.length > 100 ? `${line.slice(0, 100)}…` : line;
  return new EphemeralPortsError(
    ErrorCodes.PARSE,
    `cannot parse no output, line ${lineNo} ${JSON.stringify(shown)}: ${why}`,
  );
}

function lines(text: string): Array<{ n: number; text: string }> {
  return text
    .split(/\r\n|\r|\n/)
    .map((raw, i) => ({ n: i + 1, text: raw.replace(/^[ \t]+|[ \t]+$/g, '') }))
    .filter((l) => l.text !== '');
}

function parseValue(raw: string, field: string): NoValue {
  const text = raw.trim();
  if (text === 'n/a' || text === 'NONE') return null;
  if (!INTEGER.test(text)) throw new Unparsable(`${field} is not an integer, n/a or NONE: ${JSON.stringify(text)}`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Unparsable(`${field} is out of range: ${text}`);
  return value;
}

function tunableOf(fields: string[], restricted: boolean): NoTunable {
  const [name, current, def, reboot, min, max, unit, type, ...deps] = fields.map((f) => f.trim()) as [string, ...string[]];
  if (!TYPES.has(type!)) throw new Unparsable(`unknown tunable type ${JSON.stringify(type)}`);
  return {
    name,
    current: parseValue(current!, 'current'),
    default: parseValue(def!, 'default'),
    reboot: parseValue(reboot!, 'reboot'),
    min: parseValue(min!, 'min'),
    max: parseValue(max!, 'max'),
    unit: unit!,
    type: type as NoTunableType,
    dependencies: deps.join(',').split(/[\s,{}]+/).filter(Boolean),
    restricted,
  };
}

/**
 * Parses `no [-F] -x [tunable ...]` output. Lines of other shapes and tunables with non-numeric fields are skipped;
 * a `required` tunable that cannot be read is `ERR_EPHEMERAL_PARSE`. Without `required`, every line must parse.
 */
export function parseNoX(text: string, required?: readonly string[]): NoTunable[] {
  const strict = required === undefined;
  const wanted = new Set(required ?? []);
  const out: NoTunable[] = [];
  let restricted = false;
  for (const { n, text: line } of lines(text)) {
    if (/^##\s*Restricted tunables$/i.test(line)) {
      restricted = true;
      continue;
    }
    const fields = line.split(',');
    const name = fields[0]!.trim();
    const needed = strict || wanted.has(name);
    try {
      if (fields.length < 8) throw new Unparsable(`expected 9 comma-separated fields, got ${fields.length}`);
      if (!NAME.test(name)) throw new Unparsable(`bad tunable name ${JSON.stringify(name)}`);
      out.push(tunableOf(fields, restricted));
    } catch (error) {
      if (!(error instanceof Unparsable)) throw error;
      if (needed) throw parseError(error.message, n, line);
    }
  }
  return out;
}

/**
 * Parses `name = value` lines of `no -o name` / `no -a` (padding, tabs, CRLF tolerated). Lines that are not
 * assignments and tunables whose value is not a number are skipped; a `required` tunable missing its number is
 * `ERR_EPHEMERAL_PARSE` quoting its line. Without `required`, every line must parse.
 */
export function parseNoAssignments(text: string, required?: readonly string[]): Map<string, NoValue> {
  const strict = required === undefined;
  const wanted = new Set(required ?? []);
  const out = new Map<string, NoValue>();
  for (const { n, text: line } of lines(text)) {
    const m = ASSIGNMENT.exec(line);
    const name = m?.[1] ?? /^([A-Za-z_][A-Za-z0-9_]*)/.exec(line)?.[1];
    const needed = strict || (name !== undefined && wanted.has(name));
    try {
      if (!m) throw new Unparsable('expected "name = value"');
      out.set(m[1]!, parseValue(m[2]!, m[1]!));
    } catch (error) {
      if (!(error instanceof Unparsable)) throw error;
      if (needed) throw parseError(error.message, n, line);
    }
  }
  for (const name of wanted) {
    if (!out.has(name)) {
      throw new EphemeralPortsError(ErrorCodes.PARSE, `cannot parse no output: ${name} is missing`);
    }
  }
  return out;
}

/** The `no` tunables holding each protocol's ephemeral range. */
export const AIX_EPHEMERAL_TUNABLES = {
  tcp: { low: 'tcp_ephemeral_low', high: 'tcp_ephemeral_high' },
  udp: { low: 'udp_ephemeral_low', high: 'udp_ephemeral_high' },
} as const;
