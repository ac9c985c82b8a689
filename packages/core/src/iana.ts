/**
 * IANA port classes (RFC 6335 §6): System Ports 0–1023, User Ports 1024–49151, Dynamic and/or Private Ports
 * 49152–65535. The dynamic class is what IANA means by "ephemeral"; most kernels use another range.
 */
import { type PortRange, PortSet, assertPort } from './range.js';

export type IanaClass = 'system' | 'user' | 'dynamic';

export const IANA_SYSTEM_PORTS: PortRange = Object.freeze({ low: 0, high: 1023 });
export const IANA_USER_PORTS: PortRange = Object.freeze({ low: 1024, high: 49151 });
export const IANA_DYNAMIC_PORTS: PortRange = Object.freeze({ low: 49152, high: 65535 });

export const IANA_CLASS_RANGES: Readonly<Record<IanaClass, PortRange>> = Object.freeze({
  system: IANA_SYSTEM_PORTS,
  user: IANA_USER_PORTS,
  dynamic: IANA_DYNAMIC_PORTS,
});

/** The IANA class of `port`. Throws `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` when it is not a port number. */
export function ianaClass(port: number): IanaClass {
  assertPort(port);
  if (port <= IANA_SYSTEM_PORTS.high) return 'system';
  if (port <= IANA_USER_PORTS.high) return 'user';
  return 'dynamic';
}

/** How many ports of `ports` fall in each class, e.g. to say "this range takes 3072 user ports". */
export function ianaBreakdown(ports: PortSet | PortRange): Record<IanaClass, number> {
  const set = ports instanceof PortSet ? ports : PortSet.of(ports);
  return {
    system: set.intersect(IANA_SYSTEM_PORTS).size,
    user: set.intersect(IANA_USER_PORTS).size,
    dynamic: set.intersect(IANA_DYNAMIC_PORTS).size,
  };
}
