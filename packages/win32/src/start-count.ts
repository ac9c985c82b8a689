/**
 * Windows keeps a dynamic port range as `start` + number of ports (netsh `start=`/`num=`, WMI
 * `DynamicPortRangeStartPort`/`DynamicPortRangeNumberOfPorts`); core's model is the inclusive `low..high`.
 * The shape itself (`WindowsDynamicPortRange`) stays in core, because core's defaults table carries each Windows
 * default in this form.
 */
import {
  EphemeralPortsError,
  ErrorCodes,
  MAX_PORT,
  type PortRange,
  type WindowsDynamicPortRange,
  describe,
  isPort,
  outOfRange,
  portRange,
  rangeSize,
} from '@ephemeral-ports/core';

function parseError(value: unknown, why: string): EphemeralPortsError {
  return new EphemeralPortsError(
    ErrorCodes.PARSE,
    `cannot parse a Windows start/number of ports from ${describe(value)}: ${why}`,
  );
}

/** Converts start + count (as WMI or netsh report them) to `start .. start + count - 1`; `ERR_EPHEMERAL_PARSE` otherwise. */
export function fromWindowsStartCount(value: WindowsDynamicPortRange): PortRange {
  const { start, count } = value ?? ({} as Partial<WindowsDynamicPortRange>);
  if (!isPort(start) || start === 0) throw parseError(value, `start is ${describe(start)}, not a port from 1 to 65535`);
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
    throw parseError(value, `number of ports is ${describe(count)}, not a positive integer`);
  }
  const end = start + count - 1;
  if (end > MAX_PORT) throw parseError(value, `start ${start} + ${count} ports ends at ${end}, above ${MAX_PORT}`);
  return portRange(start, end);
}

/** Converts an inclusive range to start + count (`count = high - low + 1`); port 0 cannot start a Windows range. */
export function toWindowsStartCount(range: PortRange): WindowsDynamicPortRange {
  const r = portRange(range.low, range.high);
  if (r.low === 0) throw outOfRange('range.low', '>= 1 && <= 65535 (a Windows range cannot start at port 0)', r.low);
  return Object.freeze({ start: r.low, count: rangeSize(r) });
}
