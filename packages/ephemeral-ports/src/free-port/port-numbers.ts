/** get-port's `portNumbers(from, to)`: a lazy sequence of ports for the `port` (preferred) or `exclude` options. */
import { invalidArgType, invalidArgValue, outOfRange } from './from-core.js';

/** get-port's bounds: its helper refuses privileged ports. */
export const PORT_NUMBERS_MIN = 1024;
export const PORT_NUMBERS_MAX = 65_535;

/**
 * The ports `from`..`to` (both included), in ascending order, generated lazily.
 *
 * @throws `TypeError` when an end is not an integer (`ERR_INVALID_ARG_TYPE`, `ERR_INVALID_ARG_VALUE`), `RangeError`
 * (`ERR_OUT_OF_RANGE`) when it is outside 1024..65535 or `to < from`: the error classes get-port throws.
 * @example
 * ```ts
 * import { getFreePort, portNumbers } from 'ephemeral-ports';
 * // The first free port from 3000 to 3100; outside that, any free port outside the ephemeral range.
 * const port = await getFreePort({ port: portNumbers(3000, 3100) });
 * ```
 */
export function portNumbers(from: number, to: number): Iterable<number> {
  for (const [name, v] of [['from', from], ['to', to]] as const) {
    if (typeof v !== 'number') throw invalidArgType(name, 'of type number', v);
    if (!Number.isInteger(v)) throw invalidArgValue(name, v, 'must be an integer');
    if (v < PORT_NUMBERS_MIN || v > PORT_NUMBERS_MAX) throw outOfRange(name, `>= ${PORT_NUMBERS_MIN} && <= ${PORT_NUMBERS_MAX}`, v);
  }
  if (to < from) throw outOfRange('to', `>= from (${from})`, to);
  return (function* () {
    for (let port = from; port <= to; port++) yield port;
  })();
}
