/** get-port's `portNumbers(from, to)`: a lazy sequence of ports for the `port` (preferred) or `exclude` options. */
import { EphemeralPortsError, ErrorCodes, describe } from '@ephemeral-ports/core';

/** get-port's bounds: its helper refuses privileged ports. */
export const PORT_NUMBERS_MIN = 1024;
export const PORT_NUMBERS_MAX = 65_535;

/**
 * The ports `from`..`to` (both included), in ascending order, generated lazily.
 *
 * @throws `ERR_INVALID_ARGUMENT` when an end is not an integer in 1024..65535 or `from > to` (get-port throws
 * TypeError/RangeError for the same inputs).
 * @example
 * ```ts
 * import { getFreePort, portNumbers } from 'ephemeral-ports';
 * // The first free port from 3000 to 3100; outside that, any free port outside the ephemeral range.
 * const port = await getFreePort({ port: portNumbers(3000, 3100) });
 * ```
 */
export function portNumbers(from: number, to: number): Iterable<number> {
  for (const [name, v] of [['from', from], ['to', to]] as const) {
    if (!Number.isInteger(v) || v < PORT_NUMBERS_MIN || v > PORT_NUMBERS_MAX) {
      throw new EphemeralPortsError(
        ErrorCodes.INVALID_ARGUMENT,
        `${name} must be an integer from ${PORT_NUMBERS_MIN} to ${PORT_NUMBERS_MAX}, got ${describe(v)}`,
      );
    }
  }
  if (from > to) {
    throw new EphemeralPortsError(ErrorCodes.INVALID_ARGUMENT, `from (${from}) must not be above to (${to})`);
  }
  return (function* () {
    for (let port = from; port <= to; port++) yield port;
  })();
}
