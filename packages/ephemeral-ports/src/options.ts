/** Option shapes shared by the facade functions, and their validation (bad input changes nothing). */
import { EphemeralPortsError, ErrorCodes, type Protocol, type ScopeOptions, describe } from '@ephemeral-ports/core';

/** Address family a caller cares about. Linux, the BSDs, macOS and Windows use one range for IPv4 and IPv6. */
export type Family = 4 | 6;

export interface RangeQueryOptions {
  /** `tcp` (default) or `udp`. Only AIX and Windows keep separate ranges. */
  protocol?: Protocol;
  /** `4` (default) or `6`. Every supported OS applies one range to both families; reported for clarity. */
  family?: Family;
  /** Linux: network namespace path (`/proc/<pid>/ns/net`, `/run/netns/<name>`). */
  netns?: string;
}

export function checkProtocol(value: unknown): Protocol {
  if (value === undefined) return 'tcp';
  if (value === 'tcp' || value === 'udp') return value;
  throw new EphemeralPortsError(ErrorCodes.INVALID_ARGUMENT, `protocol must be "tcp" or "udp", got ${describe(value)}`);
}

export function checkFamily(value: unknown): Family {
  if (value === undefined) return 4;
  if (value === 4 || value === 6) return value;
  throw new EphemeralPortsError(ErrorCodes.INVALID_ARGUMENT, `family must be 4 or 6, got ${describe(value)}`);
}

export function checkNetns(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.startsWith('/') && !value.includes('\0')) return value;
  throw new EphemeralPortsError(
    ErrorCodes.INVALID_ARGUMENT,
    `netns must be an absolute path such as /proc/<pid>/ns/net or /run/netns/<name>, got ${describe(value)}`,
  );
}

/** The backend scope for validated options (netns only when given: other backends reject it). */
export function scopeOf(protocol: Protocol, netns: string | undefined): ScopeOptions {
  return netns === undefined ? { protocol } : { protocol, netns };
}
