/**
 * Per-OS validation of a proposed ephemeral range, done before anything touches a kernel. It returns every
 * violation (not just the first) with a stable code, so a CLI can print them all and a caller can branch.
 *
 * Rules (../shared/docs/platform-facts.md):
 * - Linux: 1..65535, low ≤ high (a one-port range is allowed), low ≥ ip_unprivileged_port_start (4.11+);
 *   equal parity of the ends is a warning only.
 * - FreeBSD / macOS: the kernel silently clamps to 1024..65535, so anything outside is rejected here.
 *   `first > last` is accepted by those kernels but we only ever write ordered pairs.
 * - AIX: bounds come from `no -x` min/max at run time (passed in as constraints).
 * - Windows: start ≥ 1025, count ≥ 255, end ≤ 65535 (KB929851).
 */
import type { KernelConstraints } from './backend.js';
import type { TargetOs } from './platform.js';
import { type Diagnostic, EphemeralPortsError, ErrorCodes } from './errors.js';
import { MAX_PORT, type PortRange, PortSet, describe, formatRange } from './range.js';

export interface ValidationResult {
  ok: boolean;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

export const LINUX_MIN_PORT = 1;
export const LINUX_DEFAULT_UNPRIVILEGED_PORT_START = 1024;
export const BSD_MIN_PORT = 1024;
export const WINDOWS_MIN_START = 1025;
export const WINDOWS_MIN_COUNT = 255;

const err = (code: string, message: string, field?: string): Diagnostic =>
  field === undefined ? { code, severity: 'error', message } : { code, severity: 'error', message, field };
const warn = (code: string, message: string, field?: string): Diagnostic =>
  field === undefined ? { code, severity: 'warning', message } : { code, severity: 'warning', message, field };

/** Checks the shape: an object with integer `low` and `high`. */
function shapeErrors(input: unknown): Diagnostic[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [err('RANGE_NOT_OBJECT', `a range must be an object {low, high}, got ${describe(input)}`)];
  }
  const out: Diagnostic[] = [];
  for (const field of ['low', 'high'] as const) {
    const v = (input as Record<string, unknown>)[field];
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      out.push(err('RANGE_NOT_INTEGER', `${field} must be an integer port number, got ${describe(v)}`, field));
    }
  }
  return out;
}

function boundErrors(range: PortRange, min: number, max: number, code: string, why: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const field of ['low', 'high'] as const) {
    const v = range[field];
    if (v < min || v > max) {
      out.push(err(code, `${field} (${v}) must be from ${min} to ${max}${why}`, field));
    }
  }
  return out;
}

function orderErrors(range: PortRange): Diagnostic[] {
  return range.low > range.high
    ? [err('RANGE_INVERTED', `low (${range.low}) must not be above high (${range.high})`)]
    : [];
}

/** Validates `input` as an ephemeral range for `os`. Never throws. */
export function validateRange(os: TargetOs, input: unknown, constraints: KernelConstraints = {}): ValidationResult {
  const shape = shapeErrors(input);
  if (shape.length > 0) return { ok: false, errors: shape, warnings: [] };
  const range = input as PortRange;
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];

  switch (os) {
    case 'linux': {
      errors.push(...boundErrors(range, LINUX_MIN_PORT, MAX_PORT, 'RANGE_OUT_OF_BOUNDS', ''));
      errors.push(...orderErrors(range));
      const start = constraints.unprivilegedPortStart ?? LINUX_DEFAULT_UNPRIVILEGED_PORT_START;
      if (range.low < start && range.low >= LINUX_MIN_PORT) {
        errors.push(
          err(
            'RANGE_BELOW_UNPRIVILEGED_START',
            `low (${range.low}) is below net.ipv4.ip_unprivileged_port_start (${start}); the kernel answers EINVAL`,
            'low',
          ),
        );
      }
      if (errors.length === 0 && range.low !== range.high && range.low % 2 === range.high % 2) {
        warnings.push(
          warn(
            'RANGE_EQUAL_PARITY',
            `both ends of ${formatRange(range)} are ${range.low % 2 ? 'odd' : 'even'}; the kernel prefers ends of ` +
              'different parity so connect() (even ports) and bind(0) (odd ports) get equal halves',
          ),
        );
      }
      break;
    }
    case 'freebsd':
    case 'darwin':
      errors.push(
        ...boundErrors(
          range,
          BSD_MIN_PORT,
          MAX_PORT,
          'RANGE_WOULD_CLAMP',
          '; the kernel would silently clamp it to 1024..65535',
        ),
      );
      errors.push(...orderErrors(range));
      // FreeBSD's in_pcb_lport_dest() (sys/netinet/in_pcb.c) computes `first + arc4random() % (last - first)` when
      // net.inet.ip.portrange.randomized is on, with no guard: one port would divide by zero on the next connect().
      // XNU's in_pcbbind() turns randomization off when first == last, so macOS takes one port.
      if (os === 'freebsd' && range.low === range.high && errors.length === 0) {
        errors.push({
          code: 'RANGE_ONE_PORT',
          severity: 'error',
          field: 'high',
          message:
            `a one-port range (${range.low}-${range.high}) is refused on FreeBSD: in_pcb_lport_dest() computes ` +
            'arc4random() % (last - first) when net.inet.ip.portrange.randomized is on, so the kernel would divide ' +
            'by zero on the next connect(); give the range at least two ports',
        });
      }
      break;
    case 'aix': {
      const limits = constraints.tunableLimits;
      errors.push(...orderErrors(range));
      if (limits) {
        for (const field of ['low', 'high'] as const) {
          const { min, max } = limits[field];
          const v = range[field];
          if (v < min || v > max) {
            errors.push(
              err('RANGE_OUT_OF_TUNABLE_BOUNDS', `${field} (${v}) must be from ${min} to ${max} (no -x)`, field),
            );
          }
        }
      } else {
        errors.push(...boundErrors(range, 1, MAX_PORT, 'RANGE_OUT_OF_BOUNDS', ''));
      }
      break;
    }
    case 'win32': {
      if (range.low < WINDOWS_MIN_START) {
        errors.push(err('RANGE_START_TOO_LOW', `start (${range.low}) must be at least ${WINDOWS_MIN_START}`, 'low'));
      }
      if (range.high > MAX_PORT) {
        errors.push(err('RANGE_END_TOO_HIGH', `end (${range.high}) must not exceed ${MAX_PORT}`, 'high'));
      }
      const inverted = orderErrors(range);
      errors.push(...inverted);
      const count = range.high - range.low + 1;
      if (inverted.length === 0 && count < WINDOWS_MIN_COUNT) {
        errors.push(
          err('RANGE_TOO_FEW_PORTS', `the range holds ${count} ports; Windows needs at least ${WINDOWS_MIN_COUNT}`),
        );
      }
      break;
    }
    default: {
      const never: never = os;
      errors.push(err('RANGE_UNKNOWN_OS', `no validation rules for ${String(never)}`));
    }
  }
  return { ok: errors.length === 0, errors, warnings };
}

/** Validates and returns a frozen copy, or throws `ERR_EPHEMERAL_INVALID_RANGE` with every violation. */
export function assertValidRange(os: TargetOs, input: unknown, constraints: KernelConstraints = {}): PortRange {
  const result = validateRange(os, input, constraints);
  if (!result.ok) {
    throw new EphemeralPortsError(
      ErrorCodes.INVALID_RANGE,
      `invalid ephemeral port range for ${os}: ${result.errors.map((e) => e.message).join('; ')}`,
      { violations: result.errors },
    );
  }
  const { low, high } = input as PortRange;
  return Object.freeze({ low, high });
}

/** Largest list we accept for reserved ports (the kernel bitmap has 65536 bits; more entries cannot be distinct). */
export const MAX_PORT_LIST_ENTRIES = 65_536;

/**
 * Validates a list of ports/ranges for the reserved-ports setting: an array of port numbers or {low, high}
 * objects, or a PortSet. Returns the normalized set or throws `ERR_EPHEMERAL_INVALID_PORT_LIST` with every violation.
 */
export function assertValidPortList(input: unknown, name = 'reserved ports'): PortSet {
  if (input instanceof PortSet) return input;
  if (!Array.isArray(input)) {
    throw listError(name, [err('PORTS_NOT_ARRAY', `${name} must be an array or PortSet, got ${describe(input)}`)]);
  }
  if (input.length > MAX_PORT_LIST_ENTRIES) {
    throw listError(name, [
      err('PORTS_TOO_MANY', `${name} has ${input.length} entries; at most ${MAX_PORT_LIST_ENTRIES} make sense`),
    ]);
  }
  const errors: Diagnostic[] = [];
  const ranges: PortRange[] = [];
  // An index loop, not forEach: forEach skips the holes of a sparse array, which would pass silently.
  for (let i = 0; i < input.length; i++) {
    const item: unknown = input[i];
    const r = typeof item === 'number' ? { low: item, high: item } : item;
    const shape = shapeErrors(r);
    if (shape.length > 0) {
      errors.push(err('PORTS_BAD_ENTRY', `entry ${i}: ${describe(item)} is not a port or {low, high}`, String(i)));
      continue;
    }
    const range = r as PortRange;
    const bad = [...boundErrors(range, 0, MAX_PORT, 'PORTS_OUT_OF_BOUNDS', ''), ...orderErrors(range)];
    if (bad.length > 0) {
      errors.push(err('PORTS_BAD_ENTRY', `entry ${i}: ${bad.map((b) => b.message).join('; ')}`, String(i)));
      continue;
    }
    ranges.push(range);
  }
  if (errors.length > 0) throw listError(name, errors);
  return PortSet.fromRanges(ranges);
}

function listError(name: string, violations: Diagnostic[]): EphemeralPortsError {
  const shown = violations.slice(0, 5).map((v) => v.message).join('; ');
  const more = violations.length > 5 ? ` (and ${violations.length - 5} more)` : '';
  return new EphemeralPortsError(ErrorCodes.INVALID_PORT_LIST, `invalid ${name}: ${shown}${more}`, { violations });
}
