/**
 * Runs netsh without a shell: `execFile` of an absolute path (`%SystemRoot%\System32\netsh.exe` by default).
 * Tests (and unusual installs) pass another absolute command plus leading arguments, e.g. a netsh double run by
 * node.exe. netsh writes in the console's OEM code page; the parsers only read ASCII digits, ':' and '*', which
 * are single bytes in every Windows OEM code page (no Shift-JIS or GBK trail byte collides with them), so the
 * text is decoded as latin1 — lossless, never throws — and localized labels are simply not interpreted.
 */
import { execFile } from 'node:child_process';
import { win32 as winPath } from 'node:path';
import { EphemeralPortsError, ErrorCodes, type RawCapture, invalidArgValue, rawLocale, recordCommand } from '@ephemeral-ports/core';

export interface NetshCommand {
  /** Absolute path of the program to run. */
  command: string;
  /** Arguments put before netsh's own (e.g. the script of a double run by node.exe). */
  args?: readonly string[];
}

export interface NetshResult {
  stdout: string;
  stderr: string;
  /** Exit status; null when killed by a signal or a timeout. */
  status: number | null;
}

export type NetshRunner = (args: readonly string[]) => Promise<NetshResult>;

/** `%SystemRoot%\System32\netsh.exe`, from the environment, else C:\Windows. */
export function defaultNetshPath(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.SystemRoot ?? env.SYSTEMROOT ?? env.windir ?? 'C:\\Windows';
  return winPath.join(root, 'System32', 'netsh.exe');
}

const isAbsolutePath = (p: string) => winPath.isAbsolute(p) || p.startsWith('/');

export function createNetshRunner(command: NetshCommand, timeoutMs = 30_000): NetshRunner {
  if (!isAbsolutePath(command.command)) {
    throw invalidArgValue('netsh.command', command.command, 'must be an absolute path');
  }
  const prefix = [...(command.args ?? [])];
  return (args) =>
    new Promise((resolve, reject) => {
      // LC_ALL only matters to a double run by node; netsh itself prints in the display language (see above).
      const env = { ...process.env, LC_ALL: 'C' };
      const child = execFile(
        command.command,
        [...prefix, ...args],
        { encoding: 'latin1', env, windowsHide: true, timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, shell: false },
        (error, stdout, stderr) => {
          if (error && typeof (error as { code?: unknown }).code === 'string') {
            // Could not start it at all (ENOENT, EACCES...): Node's own errno error, not a netsh answer.
            const code = (error as { code: string }).code;
            const errno = (error as { errno?: unknown }).errno;
            reject(
              new EphemeralPortsError(code, `cannot run ${command.command}: ${error.message}`, {
                ...(typeof errno === 'number' && { errno }),
                syscall: 'spawn',
                path: command.command,
                remedy: 'netsh.exe ships with Windows in %SystemRoot%\\System32; check SystemRoot',
                cause: error,
              }),
            );
            return;
          }
          const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          resolve({ stdout, stderr, status });
        },
      );
      child.stdin?.end(); // netsh never reads stdin; an interactive prompt then ends instead of waiting
    });
}

/** The command line as a human would type it, for messages and `persistRange` targets. */
export function formatNetsh(args: readonly string[]): string {
  return ['netsh', ...args].join(' ');
}

/** An ERR_EPHEMERAL_COMMAND_FAILED for a non-zero exit, with netsh's own words (often "The parameter is incorrect."). */
export function commandFailed(args: readonly string[], result: NetshResult, remedy?: string): EphemeralPortsError {
  const said = `${result.stdout}\n${result.stderr}`.replace(/\s+/g, ' ').trim();
  return new EphemeralPortsError(
    ErrorCodes.COMMAND_FAILED,
    `${formatNetsh(args)} exited with ${result.status ?? 'a signal'}${said ? `: ${said.slice(0, 300)}` : ''}`,
    { syscall: 'netsh', ...(remedy !== undefined && { remedy }) },
  );
}

/**
 * `run`, recording each call's arguments, exit status and output before any parser sees them (a support bundle).
 * `file` names the program: netsh.exe's path, or `netsh` for a caller-supplied runner. The locale is the one
 * createNetshRunner gives the child (netsh itself prints in the display language, whatever it says).
 */
export function recordingNetsh(run: NetshRunner, capture: RawCapture, file: string): NetshRunner {
  return (args) =>
    recordCommand(capture, { kind: 'command', file, args: [...args], locale: rawLocale({ ...process.env, LC_ALL: 'C' }) }, () => run(args));
}
