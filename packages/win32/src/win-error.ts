/**
 * Errors of the Windows backend: addon errors become EphemeralPortsErrors with `code` = Windows error name
 * (ERROR_ACCESS_DENIED, WBEM_E_INVALID_NAMESPACE, ...), `errno` = the Win32 code or HRESULT, `syscall` = the
 * API, and a remedy a human can act on.
 */
import { EphemeralPortsError } from '@ephemeral-ports/core';

export const ERROR_ACCESS_DENIED = 5;
export const ERROR_ELEVATION_REQUIRED = 740;

const REMEDIES: Readonly<Record<string, string>> = {
  ERROR_ACCESS_DENIED: 'run from an elevated prompt (Run as administrator)',
  ERROR_ELEVATION_REQUIRED: 'run from an elevated prompt (Run as administrator)',
  E_ACCESSDENIED: 'run from an elevated prompt (Run as administrator)',
  WBEM_E_ACCESS_DENIED: 'run from an elevated prompt (Run as administrator)',
  ERROR_SHARING_VIOLATION:
    'the ports are in use or overlap an existing exclusion; list them with netsh int ipv4 show excludedportrange ' +
    'protocol=tcp and pick free ports (or stop winnat first: net stop winnat)',
  ERROR_INVALID_PARAMETER: 'the start port or number of ports is zero or out of range',
  ERROR_PROC_NOT_FOUND:
    'this Windows (or Wine) lacks the persistent port reservation API; use netsh int ipv4 add excludedportrange',
  WBEM_E_INVALID_NAMESPACE:
    'WMI namespace root/StandardCimv2 is missing (Windows 7 or older, or Wine); the netsh fallback is used',
  WBEM_E_INVALID_CLASS: 'WMI class MSFT_NetTCPSetting is missing (Windows 7 or older); the netsh fallback is used',
};

export function remedyFor(code: string): string | undefined {
  return REMEDIES[code];
}

interface WinErrorLike {
  code?: unknown;
  errno?: unknown;
  syscall?: unknown;
  message?: unknown;
}

/** Converts an addon error; EphemeralPortsErrors pass through, anything without a string `code` is returned as is. */
export function toWin32Error(error: unknown): unknown {
  if (error instanceof EphemeralPortsError) return error;
  const e = (error ?? {}) as WinErrorLike;
  if (typeof e.code !== 'string') return error;
  const remedy = remedyFor(e.code);
  const message = typeof e.message === 'string' ? e.message : e.code;
  return new EphemeralPortsError(e.code, remedy ? `${message}; ${remedy}` : message, {
    ...(typeof e.errno === 'number' && { errno: e.errno }),
    ...(typeof e.syscall === 'string' && { syscall: e.syscall }),
    ...(remedy !== undefined && { remedy }),
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
