/**
 * Errors of the Windows backend. The addon reports a failure as the Windows facts (`code` = the Windows name such
 * as ERROR_ACCESS_DENIED, `errno` = the Win32 code or HRESULT, `syscall` = the API); here it becomes an
 * EphemeralPortsError in the project's one vocabulary: `code` = the nearest errno name as libuv maps it (or an
 * ERR_EPHEMERAL_* code when there is none, see win-errno.ts), `errno` = libuv's value, `winCode` = the Windows
 * name, `syscall`, and a remedy a human can act on.
 */
import { EphemeralPortsError } from '@ephemeral-ports/core';
import { translateWindowsError } from './win-errno.js';

export const ERROR_ELEVATION_REQUIRED = 740;

const ELEVATE = 'run from an elevated prompt (Run as administrator)';

/** Keyed by the Windows name: two names with one errno (ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION) differ here. */
const REMEDIES: Readonly<Record<string, string>> = {
  ERROR_ACCESS_DENIED: ELEVATE,
  ERROR_ELEVATION_REQUIRED: ELEVATE,
  ERROR_PRIVILEGE_NOT_HELD: ELEVATE,
  E_ACCESSDENIED: ELEVATE,
  WBEM_E_ACCESS_DENIED: ELEVATE,
  ERROR_SHARING_VIOLATION:
    'the ports are in use or overlap an existing exclusion; list them with netsh int ipv4 show excludedportrange ' +
    'protocol=tcp and pick free ports (or stop winnat first: net stop winnat)',
  ERROR_INVALID_PARAMETER: 'the start port or number of ports is zero or out of range',
  ERROR_NOT_FOUND: 'no reservation has exactly this start and number of ports; list them with netsh int ipv4 show excludedportrange',
  ERROR_PROC_NOT_FOUND:
    'this Windows (or Wine) lacks the persistent port reservation API; use netsh int ipv4 add excludedportrange',
  WBEM_E_INVALID_NAMESPACE:
    'WMI namespace root/StandardCimv2 is missing (Windows 7 or older, or Wine); the netsh fallback is used',
  WBEM_E_INVALID_CLASS: 'WMI class MSFT_NetTCPSetting is missing (Windows 7 or older); the netsh fallback is used',
};

export function remedyFor(winCode: string): string | undefined {
  return REMEDIES[winCode];
}

/** An EphemeralPortsError for a Windows failure known by its code (e.g. a netsh refusal found to need elevation). */
export function windowsError(
  value: number | undefined,
  name: string | undefined,
  message: string,
  details: { syscall?: string; path?: string; cause?: unknown } = {},
): EphemeralPortsError {
  const t = translateWindowsError(value, name);
  const remedy = remedyFor(t.winCode);
  return new EphemeralPortsError(t.code, remedy ? `${message}; ${remedy}` : message, {
    ...(t.errno !== undefined && { errno: t.errno }),
    winCode: t.winCode,
    ...(details.syscall !== undefined && { syscall: details.syscall }),
    ...(details.path !== undefined && { path: details.path }),
    ...(remedy !== undefined && { remedy }),
    ...(details.cause !== undefined && { cause: details.cause }),
  });
}

interface WinErrorLike {
  code?: unknown;
  errno?: unknown;
  syscall?: unknown;
  message?: unknown;
}

/**
 * Converts an addon error; EphemeralPortsErrors pass through, and anything that is not an addon failure (no
 * Windows name, no number: a TypeError of a bad call) is returned as is.
 */
export function toWin32Error(error: unknown): unknown {
  if (error instanceof EphemeralPortsError) return error;
  const e = (error ?? {}) as WinErrorLike;
  const name = typeof e.code === 'string' ? e.code : undefined;
  const value = typeof e.errno === 'number' ? e.errno : undefined;
  if (name === undefined) return error;
  const message = typeof e.message === 'string' ? e.message : name;
  return windowsError(value, name, message, {
    ...(typeof e.syscall === 'string' && { syscall: e.syscall }),
    cause: error,
  });
}

export function withWin32Errors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw toWin32Error(error);
  }
}
