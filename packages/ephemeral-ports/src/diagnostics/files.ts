/**
 * File output of `map --svg` and `metrics --textfile`, through safe-file.ts (atomic, durable, no symlink or special
 * file followed, owner and mode of a replaced file kept). OS failures become EphemeralPortsErrors with their errno
 * name; refusals of the path are `ERR_INVALID_ARG_VALUE` naming the option.
 */
import { EphemeralPortsError, ErrorCodes, isEphemeralPortsError } from '@ephemeral-ports/core';
import { checkReplaceableTarget, replaceFileSafely } from './safe-file.js';

export async function writeFileAtomic(path: string, content: string, argument = 'path', mode?: number): Promise<void> {
  try {
    replaceFileSafely(path, content, argument, mode);
  } catch (error) {
    throw asWriteError(error, path);
  }
}

/** Refuses `path` now if writing it later would be refused (see checkReplaceableTarget); writes nothing. */
export function checkWriteTarget(path: string, argument = 'path'): void {
  try {
    checkReplaceableTarget(path, argument);
  } catch (error) {
    throw asWriteError(error, path);
  }
}

function asWriteError(error: unknown, path: string): unknown {
  if (isEphemeralPortsError(error)) return error;
  const e = error as NodeJS.ErrnoException;
  // A failure without an errno name is not a syscall's (never invent one): ERR_EPHEMERAL_COMMAND_FAILED.
  return new EphemeralPortsError(e.code ?? ErrorCodes.COMMAND_FAILED, `cannot write ${path}: ${e.message}`, {
    ...(e.errno === undefined ? {} : { errno: e.errno }),
    ...(e.syscall === undefined ? {} : { syscall: e.syscall }),
    path: e.path ?? path,
    remedy: remedyFor(e.code, path),
    cause: error,
  });
}

function remedyFor(code: string | undefined, path: string): string {
  switch (code) {
    case 'EROFS':
      return `the file system of ${path} is read-only: write it somewhere else`;
    case 'ENOSPC':
      return `the file system of ${path} is full`;
    case 'ENOENT':
    case 'ENOTDIR':
      return 'Check that the directory exists.';
    default:
      return 'Check that the directory exists and is writable by this user.';
  }
}
