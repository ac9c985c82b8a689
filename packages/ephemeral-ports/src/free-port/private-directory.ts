/**
 * The per-user directory of the lock files (socket-file locks, the Linux lock secret): `<tmpdir>/ephemeral-ports-<uid>`.
 * A shared temp directory lets any user create that name first (and lock the owner out) or plant a symlink there
 * (so that root, reclaiming a stale lock, unlinks files elsewhere). So the directory is used only when what the name
 * opens without following a symlink is a directory owned by this user and closed to everyone else; anything else is
 * refused with `ERR_EPHEMERAL_UNSAFE_LOCK_DIR` and a remedy, never repaired by deleting what someone else made.
 */
import { closeSync, constants, fchmodSync, fstatSync, mkdirSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EphemeralPortsError, ErrorCodes } from './from-core.js';

/** Code of the refusal of a lock directory (or lock secret) this user cannot trust. */
export const UNSAFE_LOCK_DIR = ErrorCodes.UNSAFE_LOCK_DIR;

export function effectiveUid(): number {
  return typeof process.geteuid === 'function' ? process.geteuid() : 0;
}

/** `$EPHEMERAL_PORTS_LOCK_DIR`, else `<base>/ephemeral-ports-<euid>` (base: `os.tmpdir()`). */
export function privateDirectoryPath(env: NodeJS.ProcessEnv = process.env, base: string = tmpdir()): string {
  return env.EPHEMERAL_PORTS_LOCK_DIR || join(base, `ephemeral-ports-${effectiveUid()}`);
}

const codeOf = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
};

export function unsafeDirectory(path: string, why: string, cause?: unknown): EphemeralPortsError {
  return new EphemeralPortsError(UNSAFE_LOCK_DIR, `refusing the lock directory ${path}: ${why}`, {
    path,
    cause,
    remedy:
      `remove ${path} if you do not know who made it (as its owner or root: it is not this library's), or set ` +
      `EPHEMERAL_PORTS_LOCK_DIR (or TMPDIR) to a directory owned by uid ${effectiveUid()} with mode 0700`,
  });
}

/**
 * Creates `path` (mode 0700) or checks the existing one; returns its path. Throws {@link UNSAFE_LOCK_DIR} for a
 * symlink, a non-directory or a directory of another owner. A directory of ours with a looser mode is tightened (it is
 * ours to fix, and our lock files must not be writable by others).
 */
export function ensurePrivateDirectory(path: string): string {
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
  } catch (error) {
    if (codeOf(error) !== 'EEXIST') throw unsafeDirectory(path, `cannot create it (${codeOf(error)})`, error);
  }
  let fd: number;
  try {
    // O_NOFOLLOW: a symlink in the last component fails (ELOOP; EMLINK on FreeBSD) instead of being followed.
    fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = codeOf(error);
    const what = code === 'ELOOP' || code === 'EMLINK' ? 'it is a symbolic link' : code === 'ENOTDIR' ? 'it is not a directory' : code;
    throw unsafeDirectory(path, what, error);
  }
  try {
    // Checks what was opened, not the name: nothing can swap it between the check and the use of this descriptor.
    const stat = fstatSync(fd);
    const uid = effectiveUid();
    if (stat.uid !== uid) throw unsafeDirectory(path, `it is owned by uid ${stat.uid}, not by uid ${uid}`);
    if ((stat.mode & 0o777) !== 0o700) fchmodSync(fd, 0o700);
  } finally {
    closeSync(fd);
  }
  return path;
}
