/**
 * Atomic file output for `map --svg` and `metrics --textfile`: write a temporary file in the same directory,
 * then rename() it over the target, so a reader (node_exporter's textfile collector, a browser) never sees a
 * half-written file.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { EphemeralPortsError, ErrorCodes } from '@ephemeral-ports/core';

export async function writeFileAtomic(path: string, content: string): Promise<void> {
  // node_exporter only reads *.prom: a dot-prefixed temporary name is ignored until the rename.
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, content, { mode: 0o644 });
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    const e = error as NodeJS.ErrnoException;
    // A failure without an errno name is not a syscall's (never invent one): ERR_EPHEMERAL_COMMAND_FAILED.
    throw new EphemeralPortsError(e.code ?? ErrorCodes.COMMAND_FAILED, `cannot write ${path}: ${e.message}`, {
      ...(e.errno === undefined ? {} : { errno: e.errno }),
      ...(e.syscall === undefined ? {} : { syscall: e.syscall }),
      path,
      remedy: 'Check that the directory exists and is writable by this user.',
      cause: error,
    });
  }
}
