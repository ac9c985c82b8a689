/**
 * Runs AIX's `no` command (absolute path, never a shell, LC_ALL=C so its messages are the English ones the
 * permission check below reads, a timeout) and turns its failures into coded errors. The tuning commands prompt
 * on stdin before changing a restricted tunable with -p/-r and before running bosboot (IBM Docs "Tunable
 * parameters type"); stdin is closed at once, so such a prompt reads end of file instead of waiting (the
 * ephemeral tunables are neither restricted nor of type Bosboot).
 */
import { type ExecFileException, execFile } from 'node:child_process';
import { constants } from 'node:os';
import { isAbsolute } from 'node:path';
import { EphemeralPortsError, ErrorCodes, type RawCapture, invalidArgValue, rawFailure, rawLocale } from '@ephemeral-ports/core';

export const DEFAULT_NO_PATH = '/usr/sbin/no';

export interface NoRunner {
  readonly path: string;
  run(args: readonly string[]): Promise<string>;
}

// IBM documents that the tuning commands need root authority to change values, not the words of the refusal.
const PERMISSION = /permission|not authori[sz]ed|must be root|root authority|privilege/i;

/** `capture` records every run, output and exit code included, before it is judged (a support bundle). */
export function createNoRunner(path = DEFAULT_NO_PATH, timeoutMs = 15_000, capture?: RawCapture): NoRunner {
  // An absolute path only: a bare name would be looked up on PATH, which an attacker may control.
  if (!isAbsolute(path)) {
    throw invalidArgValue('noPath', path, 'must be an absolute path');
  }
  return {
    path,
    run(args) {
      return new Promise((resolve, reject) => {
        const env = { ...process.env, LC_ALL: 'C' };
        const child = execFile(path, [...args], { env, timeout: timeoutMs, windowsHide: true }, (error, stdout, stderr) => {
          if (capture) record(capture, path, args, env, error, String(stdout), String(stderr));
          if (!error) return resolve(String(stdout));
          reject(toNoError(error, String(stdout), String(stderr), path, args));
        });
        child.stdin?.end();
      });
    },
  };
}

function record(
  capture: RawCapture,
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  error: ExecFileException | null,
  stdout: string,
  stderr: string,
): void {
  // A number is the exit status; a string code (ENOENT...) or a kill means no status at all.
  const exitCode = !error ? 0 : typeof error.code === 'number' && !error.killed ? error.code : null;
  const failed = error && exitCode === null ? { error: rawFailure(error) } : {};
  capture({ kind: 'command', file, args: [...args], exitCode, stdout, stderr, locale: rawLocale(env), ...failed });
}

function toNoError(
  error: ExecFileException,
  stdout: string,
  stderr: string,
  path: string,
  args: readonly string[],
): EphemeralPortsError {
  const command = `${path} ${args.join(' ')}`;
  if (error.killed) {
    return new EphemeralPortsError('ETIMEDOUT', `${command} did not finish in time and was stopped (${error.signal ?? 'killed'})`, {
      errno: constants.errno.ETIMEDOUT,
      syscall: 'no',
      path,
      remedy: 'no waited for something (a prompt, a locked ODM); run the same command by hand to see why.',
      cause: error,
    });
  }
  if (error.code === 'ENOENT' || error.code === 'EACCES') {
    return new EphemeralPortsError(error.code, `cannot run ${path}: ${error.message}`, {
      errno: constants.errno[error.code as 'ENOENT' | 'EACCES'],
      syscall: 'spawn',
      path,
      remedy: 'The AIX backend needs /usr/sbin/no (bos.net.tcp.client); run it on AIX with that fileset installed.',
      cause: error,
    });
  }
  const tunables = args.filter((a) => /^[a-z_]+(=.*)?$/.test(a)).map((a) => a.split('=')[0]);
  const said = (stderr.trim() || stdout.trim() || error.message).split('\n').slice(0, 5).join(' ');
  const exit = typeof error.code === 'number' ? error.code : undefined;
  if (PERMISSION.test(said)) {
    return new EphemeralPortsError('EPERM', `${command} was refused: ${said}`, {
      errno: constants.errno.EPERM,
      syscall: 'no',
      path,
      remedy: 'Changing network tunables needs root authority: run as root (or through sudo).',
      cause: error,
    });
  }
  return new EphemeralPortsError(
    ErrorCodes.COMMAND_FAILED,
    `${command} failed${exit === undefined ? '' : ` with exit code ${exit}`} for ${tunables.join(', ') || 'no'}: ${said}`,
    {
      syscall: 'no',
      path,
      remedy: 'Check the values against `no -x <tunable>` (min/max) and run as root.',
      cause: error,
    },
  );
}
