/**
 * Windows describes a dynamic port range as a start port and a number of ports (netsh `start=` / `num=`, WMI
 * `DynamicPortRangeStartPort` / `DynamicPortRangeNumberOfPorts`); core works with inclusive ranges. These two
 * functions are the only place that converts between the forms.
 */
import { EphemeralPortsError, ErrorCodes } from '../errors.js';
import { MAX_PORT, type PortRange, describe, portRange } from '../range.js';

/** A range as Windows states it. */
export interface StartCount {
  readonly start: number;
  readonly count: number;
}

/** `{start, count}` → inclusive `{low, high}`. Throws `ERR_INVALID_ARGUMENT` when the ports do not fit 1..65535. */
export function rangeFromStartCount(start: number, count: number): PortRange {
  const ok =
    Number.isInteger(start) && Number.isInteger(count) && start >= 1 && count >= 1 && start + count - 1 <= MAX_PORT;
  if (!ok) {
    throw new EphemeralPortsError(
      ErrorCodes.INVALID_ARGUMENT,
      `start ${describe(start)} with ${describe(count)} ports is not a range within 1..${MAX_PORT}`,
    );
  }
  return portRange(start, start + count - 1);
}

/** Inclusive `{low, high}` → `{start, count}`. */
export function startCountFromRange(range: PortRange): StartCount {
  const checked = portRange(range.low, range.high);
  return Object.freeze({ start: checked.low, count: checked.high - checked.low + 1 });
}
