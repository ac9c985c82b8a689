/** checkPort: why a given port would or would not be handed out, without keeping anything. */
import { makePlan, staticReason, tryCandidate } from './allocate.js';
import { type FreePortOptions, type PortRejection, checkPortNumber, normalizeOptions } from './options.js';
import type { ProbeOutcome } from './probe.js';

export interface PortCheck {
  port: number;
  /** True when getFreePort (with the same options) could hand this port out right now. */
  free: boolean;
  /** Why not, when `free` is false. */
  rejection?: PortRejection;
  /** The binds made (empty when a rule refused the port before any bind). */
  probes: ProbeOutcome[];
}

/**
 * Explains one port: avoided (ephemeral, reserved/excluded, privileged, excluded), locked by another caller, or
 * refused by a bind (EADDRINUSE / EACCES, with the protocol and address). Takes the port's lock only for the
 * duration of the probe.
 *
 * @example
 * ```ts
 * import { checkPort } from 'ephemeral-ports';
 * const check = await checkPort(5173);
 * if (!check.free) console.log(check.rejection?.reason, check.rejection?.message);
 * // e.g. "forbidden", "tcp bind on 127.0.0.1:5173 failed with EACCES"
 * ```
 */
export async function checkPort(port: number, options?: Omit<FreePortOptions, 'port' | 'hold' | 'reserve'>): Promise<PortCheck> {
  checkPortNumber(port, 'port');
  const plan = await makePlan(normalizeOptions({ ...options, port }));
  const why = staticReason(plan, port);
  if (why) return { port, free: false, rejection: why, probes: [] };
  const outcome = await tryCandidate(plan, port);
  if ('rejection' in outcome) return { port, free: false, rejection: outcome.rejection, probes: [] };
  outcome.lock.release();
  return { port, free: true, probes: outcome.probes };
}
