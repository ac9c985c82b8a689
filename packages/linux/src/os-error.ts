/** Turns an error from the addon or from `node:fs` into an {@link EphemeralPortsError} with the errno fields. */
import { createRequire } from 'node:module';
import { EphemeralPortsError } from '@ephemeral-ports/core';
import { knobRemedy } from './remedy.js';

interface ErrnoLike {
  code?: unknown;
  errno?: unknown;
  syscall?: unknown;
  path?: unknown;
  remedy?: unknown;
  message?: unknown;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Errors that already are ours pass through; anything without a string `code` is rethrown untouched. */
export function toOsError(error: unknown): unknown {
  if (error instanceof EphemeralPortsError) return error;
  const e = (error ?? {}) as ErrnoLike;
  const code = str(e.code);
  if (code === undefined) return error;
  const syscall = str(e.syscall);
  const path = str(e.path);
  // The addon reports positive errnos; Node's fs reports negative ones (libuv's -errno on Linux). Use the
  // positive POSIX number; node:os (not loaded at startup) only names the number when an error came without one.
  const errno = typeof e.errno === 'number' ? Math.abs(e.errno) : errnoOf(code);
  const remedy = str(e.remedy) ?? knobRemedy(code, syscall);
  const base = str(e.message) ?? code;
  const message = str(e.remedy) !== undefined || remedy === undefined ? base : `${base}; ${remedy}`;
  return new EphemeralPortsError(code, message, {
    ...(errno !== undefined && { errno }),
    ...(syscall !== undefined && { syscall }),
    ...(path !== undefined && { path }),
    ...(remedy !== undefined && { remedy }),
    cause: error,
  });
}

/** Runs `fn`, converting any OS error it throws. */
export function withOsErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw toOsError(error);
  }
}

// (A builtin resolves from any path; not import.meta.url, whose CommonJS shim would be shared code in a chunk.)
function errnoOf(code: string): number | undefined {
  const { constants } = createRequire('/')('node:os') as typeof import('node:os');
  return (constants.errno as Record<string, number | undefined>)[code];
}
