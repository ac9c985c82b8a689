/** Reads a range from CLI words: `<low> <high>` or one word `low-high` (also `low:high`). Throws `ERR_EPHEMERAL_USAGE`. */
import type { PortRange } from '@ephemeral-ports/core';
import { parsePortArg, usageError } from './args.js';

export function rangeFromWords(words: readonly string[], what = 'range'): PortRange {
  if (words.length === 1) {
    const m = /^(\d+)[-:](\d+)$/.exec(words[0]!);
    if (!m) throw usageError(`${what} must be LOW-HIGH or LOW HIGH, got ${JSON.stringify(words[0])}`);
    return checked(parsePortArg(m[1]!, 'low'), parsePortArg(m[2]!, 'high'));
  }
  if (words.length === 2) return checked(parsePortArg(words[0]!, 'low'), parsePortArg(words[1]!, 'high'));
  if (words.length === 0) throw usageError(`missing ${what}: give LOW HIGH or LOW-HIGH, e.g. 49152 65535`);
  throw usageError(`too many arguments for a ${what}: ${words.map((w) => JSON.stringify(w)).join(' ')}`);
}

function checked(low: number, high: number): PortRange {
  if (low > high) throw usageError(`low (${low}) must not be above high (${high})`);
  return { low, high };
}
