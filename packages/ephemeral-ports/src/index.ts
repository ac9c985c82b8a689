/**
 * ephemeral-ports — know, change and reason about the OS ephemeral port range.
 *
 * This is the front door: what the README documents. Deeper pieces have named subpaths:
 * `ephemeral-ports/core` (the range model, per-OS rules, allocation models), `ephemeral-ports/diagnostics`
 * (census reports, port map, Prometheus text), `ephemeral-ports/platforms` (the platform table and backend loading),
 * `ephemeral-ports/testing` (the memory backend, the backend contract suite, backend injection) and
 * `ephemeral-ports/get-port` (a drop-in for get-port).
 *
 * @example
 * ```ts
 * import { getEphemeralRange } from 'ephemeral-ports';
 * const { range, source } = await getEphemeralRange();
 * ```
 * @packageDocumentation
 */
export {
  EphemeralPortsError,
  EphemeralPortsTypeError,
  EphemeralPortsRangeError,
  ErrorCodes,
  isEphemeralPortsError,
} from '@ephemeral-ports/core/model';
export type {
  AnyEphemeralPortsError,
  CensusMethod,
  Diagnostic,
  ErrorCode,
  PortRange,
  PortSet,
  Protocol,
  SocketEntry,
  SocketState,
  TargetOs,
} from '@ephemeral-ports/core';

// Reading the range: loaded with the package (the common case must start fast).
export type { Family, RangeQueryOptions } from './options.js';
export { type RangeReport, getEphemeralRange, getEphemeralRangeSync } from './range-report.js';
export { isEphemeral, isEphemeralSync } from './is-ephemeral.js';

// Everything else loads on first use (lazy.ts, free-port-lazy.ts).
export type { SetRangeOptions, RangeChangeReport, PersistReport } from './set-range.js';
export type {
  ReservedPortsReport,
  ReservedChangeReport,
  ReservedQueryOptions,
  SetReservedOptions,
  PortListInput,
} from './reserved-ports.js';
export type { ExplainOptions, PortExplanation, PortFinding, FindingSeverity } from './explain/explain-port.js';
export type { UsageResult, DoctorResult, DiagnosticsOptions, ProcessUsage } from './diagnostics/index.js';
export { setEphemeralRange, getReservedPorts, setReservedPorts, explainPort, usage, doctor } from './lazy.js';
export type * from './free-port/index.js';
export {
  getFreePort,
  getFreePortDetailed,
  reservePorts,
  checkPort,
  releasePort,
  clearLockedPorts,
  heldPorts,
} from './free-port-lazy.js';
export { portNumbers } from './free-port/port-numbers.js';
