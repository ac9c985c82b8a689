/**
 * ephemeral-ports — know, change and reason about the OS ephemeral port range.
 *
 * @example
 * ```ts
 * import { getEphemeralRange } from 'ephemeral-ports';
 * const { range, source } = await getEphemeralRange();
 * ```
 * @packageDocumentation
 */
export * from '@ephemeral-ports/core';
export { getBackend, useBackend } from './backend.js';
export { PLATFORM_PACKAGES, BACKEND_ENV, backendPackageFor, isSupportedPlatform, loadBackend } from './platforms.js';
export type { Family, RangeQueryOptions } from './options.js';
export { type RangeReport, getEphemeralRange, getEphemeralRangeSync } from './range-report.js';
// Free-port: types from the module, values through lazy wrappers (cold start; see free-port-lazy.ts).
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
export * from './diagnostics/index.js';
export { type SetRangeOptions, type RangeChangeReport, type PersistReport, setEphemeralRange } from './set-range.js';
export {
  type ReservedPortsReport,
  type ReservedChangeReport,
  type ReservedQueryOptions,
  type SetReservedOptions,
  type PortListInput,
  getReservedPorts,
  setReservedPorts,
  toPortSet,
} from './reserved-ports.js';
export { isEphemeral, isEphemeralSync } from './is-ephemeral.js';
export {
  type ExplainOptions,
  type PortExplanation,
  type PortFinding,
  type FindingSeverity,
  explainPort,
} from './explain/explain-port.js';
export { type ListeningPorts, listeningPorts } from './listening-ports.js';
