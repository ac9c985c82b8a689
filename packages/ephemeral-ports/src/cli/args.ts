/**
 * The argv parser shared by every command. Deliberately strict: an unknown flag, a missing flag value or a flag
 * given twice is a usage error (`ERR_EPHEMERAL_USAGE`, exit 2) — an ops script with a typo must not silently do something else.
 *
 * An unknown flag names the closest known one ("did you mean"). `--color`/`--no-color` are taken out before
 * (terminal.ts): every command accepts them.
 *
 * Shared flags: --json, --help/-h, --protocol <tcp|udp>, --netns <path>, --method <census method>, --force,
 * --dry-run, --persist, --file <path>. A command accepts the shared flags it lists plus its own; `--` ends flag parsing.
 */
import {
  CENSUS_METHODS,
  type CensusMethod,
  EphemeralPortsError,
  ErrorCodes,
  type Protocol,
} from '@ephemeral-ports/core';
import { closest } from './suggest.js';

export function usageError(message: string, remedy?: string): EphemeralPortsError {
  return new EphemeralPortsError(ErrorCodes.USAGE, message, remedy === undefined ? {} : { remedy });
}

export interface ArgSpec {
  /** Flags without a value (`--json`, `--help` are always accepted). */
  booleans?: readonly string[];
  /** Flags that take a value, as `--name value` or `--name=value`. */
  strings?: readonly string[];
}

export interface ParsedArgs {
  /** Every flag seen, without the leading dashes. */
  flags: Set<string>;
  values: Map<string, string>;
  positionals: string[];
}

const ALWAYS = ['json', 'help'];

/** Parses `argv` (the words after the command name) against `spec`. Throws `ERR_EPHEMERAL_USAGE`. */
export function parseArgs(argv: readonly string[], spec: ArgSpec = {}): ParsedArgs {
  const booleans = new Set([...ALWAYS, ...(spec.booleans ?? [])]);
  const strings = new Set(spec.strings ?? []);
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const positionals: string[] = [];

  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (word === '-h') {
      flags.add('help');
      continue;
    }
    // A lone "-" and negative numbers are positionals: the command then rejects them with a precise message.
    if (!word.startsWith('-') || word === '-' || /^-\d/.test(word)) {
      positionals.push(word);
      continue;
    }
    if (!word.startsWith('--')) throw usageError(`unknown option ${word}`, 'see --help');
    const eq = word.indexOf('=');
    const name = word.slice(2, eq === -1 ? undefined : eq);
    if (flags.has(name)) throw usageError(`option --${name} given twice`);
    if (booleans.has(name)) {
      if (eq !== -1) throw usageError(`option --${name} takes no value`);
      flags.add(name);
    } else if (strings.has(name)) {
      let value: string | undefined;
      if (eq !== -1) value = word.slice(eq + 1);
      else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) value = argv[++i];
      if (value === undefined || value === '') throw usageError(`option --${name} needs a value`);
      flags.add(name);
      values.set(name, value);
    } else {
      throw unknownOption(name, [...booleans, ...strings]);
    }
  }
  return { flags, values, positionals };
}

function unknownOption(name: string, known: readonly string[]): EphemeralPortsError {
  const guess = closest(name, known);
  return usageError(`unknown option --${name}`, guess === undefined ? 'see --help' : `did you mean --${guess}?`);
}

/** `--protocol`: tcp (default) or udp. */
export function protocolOption(args: ParsedArgs): Protocol | undefined {
  const value = args.values.get('protocol');
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (lower !== 'tcp' && lower !== 'udp') throw usageError(`--protocol must be tcp or udp, got ${JSON.stringify(value)}`);
  return lower;
}

/** Refuses positionals beyond `max`. */
export function atMost(args: ParsedArgs, max: number, what: string): void {
  if (args.positionals.length > max) {
    throw usageError(`too many arguments for ${what}: ${args.positionals.slice(max).map((p) => JSON.stringify(p)).join(' ')}`);
  }
}

/** `--netns` and `--method` of the census commands, as diagnostics options. */
export function censusOptions(args: ParsedArgs): { netns?: string; method?: CensusMethod } {
  const netns = args.values.get('netns');
  const method = args.values.get('method');
  if (method !== undefined && !CENSUS_METHODS.includes(method as CensusMethod)) {
    throw usageError(`--method must be one of ${CENSUS_METHODS.join(', ')}, got ${JSON.stringify(method)}`);
  }
  return { ...(netns === undefined ? {} : { netns }), ...(method === undefined ? {} : { method: method as CensusMethod }) };
}
