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
  PROTOCOLS,
  type Protocol,
  invalidArgValue,
} from '@ephemeral-ports/core/model';
import { parseArgs as parseArgv } from 'node:util';
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

/**
 * Parses `argv` (the words after the command name) against `spec`. Throws `ERR_EPHEMERAL_USAGE`.
 *
 * The words are split by Node's own `util.parseArgs` (tokens, non-strict); the rules are applied here, in order:
 * its strict mode would refuse a negative number before we can say what is wrong with it, allows a repeated
 * option, and names an unknown option only inside its message (we suggest the closest one).
 */
export function parseArgs(argv: readonly string[], spec: ArgSpec = {}): ParsedArgs {
  const booleans = new Set([...ALWAYS, ...(spec.booleans ?? [])]);
  const strings = new Set(spec.strings ?? []);
  const options: Record<string, { type: 'boolean' | 'string'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const name of strings) options[name] = { type: 'string' };
  const { tokens } = parseArgv({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const positionals: string[] = [];
  const seen = new Set<number>();

  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    const word = argv[token.index]!;
    // A negative number is a positional (the command then refuses it with a precise message); `-12` is one word.
    if (/^-\d/.test(word)) {
      if (!seen.has(token.index)) positionals.push(word);
      seen.add(token.index);
      continue;
    }
    const { name, rawName } = token;
    if (!rawName.startsWith('--') && name !== 'help') throw usageError(`unknown option ${rawName}`, 'see --help');
    if (!booleans.has(name) && !strings.has(name)) throw unknownOption(name, [...booleans, ...strings]);
    if (flags.has(name) && rawName.startsWith('--')) throw usageError(`option --${name} given twice`);
    if (booleans.has(name)) {
      if (token.inlineValue) throw usageError(`option --${name} takes no value`);
      flags.add(name);
      continue;
    }
    // A flag-looking word after a string option is the next flag, not its value (`--netns --json`).
    const value = token.value;
    if (value === undefined || value === '' || (!token.inlineValue && value.startsWith('--'))) {
      throw usageError(`option --${name} needs a value`);
    }
    flags.add(name);
    values.set(name, value);
  }
  return { flags, values, positionals };
}

function unknownOption(name: string, known: readonly string[]): EphemeralPortsError {
  const guess = closest(name, known);
  return usageError(`unknown option --${name}`, guess === undefined ? 'see --help' : `did you mean --${guess}?`);
}

/**
 * An option whose value is one of `allowed` (any case). A value outside them is `ERR_INVALID_ARG_VALUE`, as the
 * library reports the same value (docs/errors.md), with what was typed.
 */
export function choiceOption<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  const lower = value.toLowerCase();
  if ((allowed as readonly string[]).includes(lower)) return lower as T;
  throw invalidArgValue(option, value, `must be one of ${allowed.join(', ')}`);
}

/** `--protocol`: tcp (default) or udp. */
export function protocolOption(args: ParsedArgs): Protocol | undefined {
  const value = args.values.get('protocol');
  return value === undefined ? undefined : choiceOption('--protocol', value, PROTOCOLS);
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
    throw invalidArgValue('--method', method, `must be one of ${CENSUS_METHODS.join(', ')}`);
  }
  return { ...(netns === undefined ? {} : { netns }), ...(method === undefined ? {} : { method: method as CensusMethod }) };
}
