/**
 * @ephemeral-ports/win32 — the Windows backend of ephemeral-ports: TCP and UDP dynamic port ranges (WMI, netsh),
 * excluded port ranges and persistent reservations, and the socket census (iphlpapi).
 */
import { type Win32Backend, type Win32BackendOptions, createWin32Backend } from './backend.js';

export {
  type RestorableRange,
  type RestoreOptions,
  type Win32Backend,
  type Win32BackendOptions,
  createWin32Backend,
} from './backend.js';
export { RESTORED_OUTSIDE_NETSH_LIMITS } from './dynamic-range-restore.js';
export {
  type PowerShellCommand,
  type PowerShellResult,
  type PowerShellRunner,
  defaultPowerShellPath,
} from './powershell.js';
export { type FamilyRange, type FamilyRanges, type IpFamily, RangeReadError, type ReadAttempt } from './dynamic-range.js';
export { type NetshCommand, type NetshResult, type NetshRunner, defaultNetshPath } from './netsh.js';
export type { NativeSocketRow, NativeWmiSetting, Win32NativeBinding } from './native.js';
export { loadNativeBinding } from './native.js';
export { tcpState, toSocketEntry } from './census.js';
export {
  type ExcludedPortExplanation,
  type ExplainPortInput,
  type PortHolder,
  explainExcludedPort,
  explainExcludedReading,
} from './explain-excluded.js';
export { type ExcludedPortRange, excludedPortSet, parseExcludedPortRanges } from './netsh-excluded.js';
export { type DynamicPortReading, parseDynamicPortOutput } from './netsh-dynamicport.js';
export { fromWindowsStartCount, toWindowsStartCount } from './start-count.js';
export { type TranslatedWindowsError, translateWindowsError } from './win-errno.js';

/** The facade's entry point (see packages/ephemeral-ports/src/platforms.ts). */
export function createBackend(options?: Win32BackendOptions): Win32Backend {
  return createWin32Backend(options);
}
