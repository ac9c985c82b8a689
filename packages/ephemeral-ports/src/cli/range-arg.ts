/**
 * A range from CLI words: one word (`32768-60999`, `32768:60999`, or `"32768 60999"` as `sysctl -n` prints it) or
 * two (`32768 60999`). The text goes through core's parseRangeArgument, the one parser of human range input, so
 * a value that does not parse is `ERR_INVALID_ARG_VALUE`; a wrong number of words is `ERR_EPHEMERAL_USAGE`.
 */
import { type PortRange, parseRangeArgument } from '@ephemeral-ports/core';
import { usageError } from './args.js';

export function rangeFromWords(words: readonly string[], name = 'range'): PortRange {
  if (words.length === 0) throw usageError(`missing ${name}: give LOW HIGH or LOW-HIGH, e.g. 32768 60999`);
  if (words.length > 2) {
    throw usageError(`too many arguments for a ${name}: ${words.map((w) => JSON.stringify(w)).join(' ')}`);
  }
  return parseRangeArgument(words.join(' '), name);
}
