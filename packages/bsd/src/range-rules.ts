/**
 * The ranges the BSD backend refuses beyond core's validation. FreeBSD: `first == last`. `in_pcb_lport_dest()`
 * (freebsd-src sys/netinet/in_pcb.c) picks the start of its search with `first + (arc4random() % (last - first))`
 * whenever `net.inet.ip.portrange.randomized` is on (the default), with no guard for equal ends, and
 * `sysctl_net_ipport_check()` only clamps each value to 1024..65535, so the kernel accepts a one-port range and
 * then divides by zero on the next connect(). XNU (apple-oss-distributions/xnu bsd/netinet/in_pcb.c) turns
 * randomization off when `first == last` ("No point in randomizing if only one port is available"), so macOS
 * takes a one-port range safely.
 */
import {
  type Diagnostic,
  EphemeralPortsError,
  ErrorCodes,
  type PortRange,
  assertValidRange,
  validateRange,
} from '@ephemeral-ports/core';
import type { BsdOs } from './sysctl-names.js';

export const ONE_PORT_VIOLATION_CODE = 'RANGE_ONE_PORT';

/** Violations of the BSD rules that core does not know (only FreeBSD's one-port rule today). */
export function bsdRangeViolations(os: BsdOs, range: PortRange): Diagnostic[] {
  if (os !== 'freebsd' || range.low !== range.high) return [];
  return [
    {
      code: ONE_PORT_VIOLATION_CODE,
      severity: 'error',
      message:
        `a one-port range (${range.low}-${range.high}) is refused on FreeBSD: in_pcb_lport_dest() computes ` +
        'arc4random() % (last - first) when net.inet.ip.portrange.randomized is on, so the kernel would divide ' +
        'by zero on the next connect()',
    },
  ];
}

/** Core's validation for `os`, then the BSD rules; throws `ERR_EPHEMERAL_INVALID_RANGE` with every violation. */
export function assertBsdRange(os: BsdOs, input: unknown): PortRange {
  const core = validateRange(os, input);
  const extra = core.ok ? bsdRangeViolations(os, input as PortRange) : [];
  if (!core.ok || extra.length === 0) return assertValidRange(os, input);
  throw new EphemeralPortsError(
    ErrorCodes.INVALID_RANGE,
    `invalid ephemeral port range for ${os}: ${extra.map((e) => e.message).join('; ')}`,
    { violations: extra, remedy: 'Give the range at least two ports.' },
  );
}
