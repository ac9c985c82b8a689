/**
 * The I/O the BSD backend (`createBsdBackend`) needs: running sysctl(8) without a shell, and
 * replacing a configuration file atomically.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ConfigFiles } from './bsd-backend.js';
import type { CommandResult } from './command-port.js';

const TIMEOUT_MS = 10_000;

/** execFile with an absolute path; resolves with the exit code, rejects only when the process cannot run. */
export function runCommand(file: string, args: readonly string[]): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      [...args],
      { encoding: 'utf8', timeout: TIMEOUT_MS, env: { ...process.env, LC_ALL: 'C' } },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ exitCode: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
    // sysctl(8) reads nothing: a closed stdin keeps it from waiting on ours (EPIPE, if it is gone, is moot).
    child.stdin?.on('error', () => undefined);
    child.stdin?.end();
  });
}

export const configFiles: ConfigFiles = {
  async read(path) {
    try {
      return await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  },
  // Temporary file in the same directory, fsync, rename: a reader (or a crash) sees the old or the new file,
  // never half of one. An existing file keeps its mode.
  async writeAtomic(path, text, mode) {
    const keep = await stat(path).then(
      (s) => s.mode & 0o7777,
      () => mode,
    );
    const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(tmp, 'wx', keep);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.chmod(keep);
      await handle.sync();
    } catch (e) {
      await handle.close();
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    await handle.close();
    await rename(tmp, path).catch(async (e: unknown) => {
      await unlink(tmp).catch(() => undefined);
      throw e;
    });
  },
};
