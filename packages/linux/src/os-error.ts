/**
 * Turns an error from the addon or from `node:fs` into this project's vocabulary: an {@link EphemeralPortsError}
 * with code (errno name, or ERR_EPHEMERAL_* for a condition), a negative errno, syscall, path and a remedy that
 * fits what failed (remedy.ts); the addon's argument errors become {@link EphemeralPortsTypeError}.
 */
import { EphemeralPortsError, EphemeralPortsTypeError, isEphemeralPortsError } from '@ephemeral-ports/core/model';
import type { Remedy } from './remedy.js';

interface ErrnoLike {
  code?: unknown;
  errno?: unknown;
  syscall?: unknown;
  path?: unknown;
  remedy?: unknown;
  message?: unknown;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Errors that already are ours pass through; anything without a string `code` is returned untouched. */
export function toOsError(error: unknown, remedyFor: Remedy, prefix = ''): unknown {
  if (isEphemeralPortsError(error)) return error;
  const e = (error ?? {}) as ErrnoLike;
  const code = str(e.code);
  if (code === undefined) return error;
  const message = `${prefix}${str(e.message) ?? code}`;
  if (code === 'ERR_INVALID_ARG_TYPE' || code === 'ERR_INVALID_ARG_VALUE') return new EphemeralPortsTypeError(code, message);
  const syscall = str(e.syscall);
  const path = str(e.path);
  // The class stores errno negative whatever the sign (the addon and Node's fs both report it negative already).
  const errno = typeof e.errno === 'number' ? e.errno : errnoOf(code);
  const own = str(e.remedy);
  const remedy = own ?? remedyFor({ code, syscall, path });
  return new EphemeralPortsError(code, own !== undefined || remedy === undefined ? message : `${message}; ${remedy}`, {
    ...(errno !== undefined && { errno }),
    ...(syscall !== undefined && { syscall }),
    ...(path !== undefined && { path }),
    ...(remedy !== undefined && { remedy }),
    cause: error,
  });
}

/** Runs `fn`, converting any OS error it throws. */
export function withOsErrors<T>(fn: () => T, remedyFor: Remedy): T {
  try {
    return fn();
  } catch (error) {
    throw toOsError(error, remedyFor);
  }
}

// (A builtin resolves from any path; not import.meta.url, whose CommonJS shim would be shared code in a chunk.)
// Conditions (ERR_EPHEMERAL_*) have no errno, and get none.
function errnoOf(code: string): number | undefined {
  if (code.startsWith('ERR_')) return undefined;
  const { errno } = process.getBuiltinModule('node:os').constants;
  return (errno as Record<string, number | undefined>)[code];
}
