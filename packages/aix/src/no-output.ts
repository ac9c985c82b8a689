/**
 * Parsers for the output of AIX's `no` command (IBM Docs "no Command", "Common syntax for tuning commands";
 * field layout as parsed by IBM/ansible-power-aix plugins/modules/tunables.py). Every parser either returns
 * exactly what the text says or throws `ERR_EPHEMERAL_PARSE`; it never guesses a number.
 *
 * - `no -x [tunable]`: one line per tunable, comma-separated
 *   `name,current,default,reboot,min,max,unit,type,dependencies`; with `-F`, restricted tunables follow a
 *   `##Restricted tunables` line.
 * - `no -o tunable` and `no -a`: `name = value` lines, padded in `-a` (`       tcp_ephemeral_low = 32768`).
 *   The value is `n/a` for a tunable this system does not support, and with `-p` `NONE` when the current and
 *   next-boot values differ.
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
const INTEGER = /^-?\d+$/;

function parseError(message: string, line: number): EphemeralPortsError {
  return new EphemeralPortsError(ErrorCodes.PARSE, `cannot parse no output, line ${line}: ${message}`);
}

function parseValue(raw: string, field: string, line: number): NoValue {
  const text = raw.trim();
  if (text === 'n/a' || text === 'NONE') return null;
  if (!INTEGER.test(text)) throw parseError(`${field} is not an integer, n/a or NONE: ${JSON.stringify(text)}`, line);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw parseError(`${field} is out of range: ${text}`, line);
  return value;
}

/** Parses `no [-F] -x [tunable ...]` output. */
export function parseNoX(text: string): NoTunable[] {
  const out: NoTunable[] = [];
  let restricted = false;
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.replace(/\r$/, '');
    const lineNo = index + 1;
    if (line.trim() === '') return;
    if (line.trim() === '##Restricted tunables') {
      restricted = true;
      return;
    }
    const fields = line.split(',');
    if (fields.length < 8) throw parseError(`expected 9 comma-separated fields, got ${fields.length}`, lineNo);
    const [name, current, def, reboot, min, max, unit, type, ...deps] = fields as [string, ...string[]];
    if (!NAME.test(name)) throw parseError(`bad tunable name ${JSON.stringify(name)}`, lineNo);
    if (!TYPES.has(type!)) throw parseError(`unknown tunable type ${JSON.stringify(type)}`, lineNo);
    out.push({
      name,
      current: parseValue(current!, 'current', lineNo),
      default: parseValue(def!, 'default', lineNo),
      reboot: parseValue(reboot!, 'reboot', lineNo),
      min: parseValue(min!, 'min', lineNo),
      max: parseValue(max!, 'max', lineNo),
      unit: unit!,
      type: type as NoTunableType,
      dependencies: deps.join(',').split(/[\s,]+/).filter(Boolean),
      restricted,
    });
  });
  return out;
}

/** Parses `name = value` lines of `no -o name` / `no -a` (padding tolerated). */
export function parseNoAssignments(text: string): Map<string, NoValue> {
  const out = new Map<string, NoValue>();
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.replace(/\r$/, '');
    if (line.trim() === '') return;
    const match = /^\s*(\S+)\s*=\s*(\S+)\s*$/.exec(line);
    if (!match) throw parseError(`expected "name = value", got ${JSON.stringify(line.slice(0, 80))}`, index + 1);
    const [, name, value] = match as unknown as [string, string, string];
    if (!NAME.test(name)) throw parseError(`bad tunable name ${JSON.stringify(name)}`, index + 1);
    out.set(name, parseValue(value, name, index + 1));
  });
  return out;
}

/** The `no` tunables holding each protocol's ephemeral range. */
export const AIX_EPHEMERAL_TUNABLES = {
  tcp: { low: 'tcp_ephemeral_low', high: 'tcp_ephemeral_high' },
  udp: { low: 'udp_ephemeral_low', high: 'udp_ephemeral_high' },
} as const;
