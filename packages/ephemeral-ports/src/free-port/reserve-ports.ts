/** reservePorts: several ports at once, held machine-wide until released or until this process dies. */
import { invalidArgType, outOfRange } from './from-core.js';
import { allocate } from './allocate.js';
import { type FreePortOptions, normalizeOptions } from './options.js';
import * as registry from './registry.js';

/** Ports held by {@link reservePorts}. */
export interface PortReservation {
  /** The ports, in the order they were found. */
  readonly ports: readonly number[];
  /** Releases every port of this reservation (idempotent). */
  release(): void;
}

/** Options of {@link reservePorts}: those of getFreePort without `hold`/`reserve` (a reservation always holds). */
export type ReservePortsOptions = Omit<FreePortOptions, 'hold' | 'reserve' | 'leaseMs'>;

/**
 * Finds and holds `count` distinct free ports (same rules as getFreePort). They stay locked against every other
 * process using this library until `release()`, or until this process exits or is killed — the kernel frees the
 * locks then. All or nothing: when fewer than `count` are free, none stays held.
 *
 * @throws TypeError / RangeError (Node's codes) for a bad count or options, `ERR_EPHEMERAL_NO_FREE_PORT`.
 * @example
 * ```ts
 * import { reservePorts } from 'ephemeral-ports';
 * const { ports, release } = await reservePorts(3, { protocol: 'both' });
 * const [http, grpc, metrics] = ports;
 * // ... start the servers ...
 * release();
 * ```
 */
export async function reservePorts(count: number, options?: ReservePortsOptions): Promise<PortReservation> {
  if (typeof count !== 'number') throw invalidArgType('count', 'of type number', count);
  if (!Number.isInteger(count) || count < 1 || count > 65_536) throw outOfRange('count', 'an integer >= 1 && <= 65536', count);
  const n = normalizeOptions({ ...options, hold: true });
  const ports = Object.freeze((await allocate(n, count)).map((r) => r.port));
  let released = false;
  return {
    ports,
    release() {
      if (released) return;
      released = true;
      for (const port of ports) registry.release(port);
    },
  };
}
