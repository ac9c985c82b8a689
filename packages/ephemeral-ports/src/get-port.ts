/**
 * `ephemeral-ports/get-port`: a drop-in for get-port 7.2. Same default export, options, `portNumbers` and
 * `clearLockedPorts`, same errors classes; switching is one import line. What differs is what makes ports safe:
 *
 * - the fallback (no preferred port free) is a port outside the live ephemeral range, the reserved/excluded ports and
 *   the privileged ports, where get-port asks the kernel for port 0, i.e. for a port inside the ephemeral range;
 * - every port handed out is locked across processes (any user) for 15 s, or for the life of the process with
 *   `reserve`, where get-port's lock only covers its own process;
 * - a preferred port is still returned when it is free, even inside the ephemeral range, and reported through
 *   `onWarning` (or `NODE_DEBUG=ephemeral-ports`);
 * - a `host` that is not an address of this machine rejects at once with `EADDRNOTAVAIL`.
 *
 * This entry loads only the free-port code and what reading the range needs (never the census or the CLI).
 *
 * @example
 * ```ts
 * import getPort, { portNumbers, clearLockedPorts } from 'ephemeral-ports/get-port';
 * const port = await getPort({ port: portNumbers(3000, 3100) });
 * ```
 * @packageDocumentation
 */
import { allocate } from './free-port/allocate.js';
import { type GetPortOptions, type GetPortWarning, fromGetPortOptions } from './free-port/get-port-options.js';
import { portNumbers } from './free-port/port-numbers.js';
import * as registry from './free-port/registry.js';

export type Options = GetPortOptions;
export type { GetPortOptions, GetPortWarning };

/**
 * Get an available TCP port number: the first free preferred port (`port`), else a free port outside the live
 * ephemeral range and the reserved ports. It stays locked against every caller of ephemeral-ports, in this process
 * and others, for 15 s (`reserve: true`: until `clearLockedPorts()` or the end of the process).
 *
 * @returns Port number.
 * @throws TypeError / RangeError (Node's `ERR_INVALID_ARG_TYPE`, `ERR_OUT_OF_RANGE`...) for bad options;
 * `EADDRNOTAVAIL` (an `EphemeralPortsError` with `syscall: 'bind'`) when `host` is not local;
 * `ERR_EPHEMERAL_NO_FREE_PORT` when nothing is free.
 * @example
 * ```ts
 * import getPort from 'ephemeral-ports/get-port';
 *
 * console.log(await getPort());
 * //=> 21877 (never inside the ephemeral range)
 *
 * // Pass in a preferred port
 * console.log(await getPort({ port: 3000 }));
 * // Will use 3000 if available, otherwise fall back to a random port
 *
 * // Pass in an array of preferred ports
 * console.log(await getPort({ port: [3000, 3001, 3002] }));
 * // Will use any element in the preferred ports array if available, otherwise fall back to a random port
 * ```
 */
export default async function getPort(options?: Options): Promise<number> {
  const [result] = await allocate(fromGetPortOptions(options), 1);
  return result!.port;
}

export { portNumbers };

/**
 * Releases every port this process locked (`reserve`d ones included), as get-port's does: later calls may return
 * them again, and other processes may get them.
 *
 * @example
 * ```ts
 * import getPort, { clearLockedPorts } from 'ephemeral-ports/get-port';
 * const port = [3000, 3001, 3002];
 * await getPort({ port }); //=> 3000
 * await getPort({ port }); //=> 3001
 * clearLockedPorts();
 * await getPort({ port }); //=> 3000
 * ```
 */
export function clearLockedPorts(): void {
  registry.releaseAll();
}
