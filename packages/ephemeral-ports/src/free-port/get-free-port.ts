/**
 * getFreePort: get-port's API, but the answer never collides with the kernel (ephemeral range, reserved/excluded
 * ports), is checked on every relevant address for TCP and/or UDP, and is locked machine-wide so no other process
 * using these functions gets it too (see DESIGN.md beside this file).
 */
import { type FreePortResult, allocate } from './allocate.js';
import { assertPort } from './from-core.js';
import { type FreePortOptions, normalizeOptions } from './options.js';
import * as registry from './registry.js';

/**
 * A free port: a preferred one (`port`) when free, else one from `range` outside the live ephemeral range, the
 * reserved/excluded ports and the privileged ports. The port stays locked against other callers (in any process)
 * for `leaseMs` (15 s), or until {@link releasePort} with `hold: true`.
 *
 * @throws TypeError / RangeError (Node's `ERR_INVALID_ARG_*`, `ERR_OUT_OF_RANGE`) for bad options, before anything
 * is locked; `ERR_EPHEMERAL_NO_FREE_PORT` when no candidate is free; the bind's errno (`EADDRNOTAVAIL`...) at once
 * when `host` is not an address of this machine.
 * @example
 * ```ts
 * import { getFreePort, portNumbers } from 'ephemeral-ports';
 * const port = await getFreePort();                                  // e.g. 21877, never inside the ephemeral range
 * const web = await getFreePort({ port: [3000, 3001] });             // 3000 if free, else 3001, else any
 * const dns = await getFreePort({ protocol: 'both', host: '127.0.0.1' }); // free for TCP and UDP on 127.0.0.1
 * const mine = await getFreePort({ range: { low: 20000, high: 20999 }, hold: true });
 * // ... start the server on `mine`, then:
 * releasePort(mine);
 * ```
 */
export async function getFreePort(options?: FreePortOptions): Promise<number> {
  const [result] = await allocate(normalizeOptions(options), 1);
  return result!.port;
}

/**
 * {@link getFreePort} with the evidence: the binds that proved the port free, what was avoided and where that came
 * from, and warnings (e.g. `RANGE_NOT_READ` when the live range could not be read and core's default was avoided).
 *
 * @example
 * ```ts
 * import { getFreePortDetailed } from 'ephemeral-ports';
 * const { port, avoided, warnings } = await getFreePortDetailed({ protocol: 'both' });
 * console.log(port, avoided.ephemeral[0]?.range, warnings.map((w) => w.message));
 * ```
 */
export async function getFreePortDetailed(options?: FreePortOptions): Promise<FreePortResult> {
  const [result] = await allocate(normalizeOptions(options), 1);
  return result!;
}

/**
 * Releases this process's hold or lease of `port`, so other callers may get it. Returns false when this process
 * held no lock on it. Throws `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` when `port` is not a port number.
 *
 * @example
 * ```ts
 * const port = await getFreePort({ hold: true });
 * releasePort(port); // true
 * ```
 */
export function releasePort(port: number): boolean {
  assertPort(port);
  return registry.release(port);
}

/**
 * get-port's `clearLockedPorts()`: releases every hold and lease of this process. Returns how many.
 *
 * @example
 * ```ts
 * import { clearLockedPorts } from 'ephemeral-ports';
 * afterAll(() => clearLockedPorts());
 * ```
 */
export function clearLockedPorts(): number {
  return registry.releaseAll();
}

/**
 * The ports this process holds or leases, ascending.
 *
 * @example
 * ```ts
 * await getFreePort({ hold: true });
 * heldPorts(); // [{ port: 23117, kind: 'hold' }]
 * ```
 */
export function heldPorts(): { port: number; kind: 'hold' | 'lease' }[] {
  return registry.ownedPorts();
}
