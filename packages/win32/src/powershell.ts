/**
 * The route a restore takes when netsh refuses the range found: `Set-NetTCPSetting` / `Set-NetUDPSetting` of the
 * NetTCPIP module (Windows PowerShell 5.1, shipped with Windows 8 / Server 2012 and later).
 * - Why: KB929851 says netsh's minimum start port is 1025 and its minimum range 255 ports, yet Hyper-V and Visual
 *   Studio installs leave ranges such as `start=1024`; Set-NetTCPSetting's `-DynamicPortRangeStartPort` is
 *   documented as "1 through 65535" and both parameters are UInt16 (learn.microsoft.com, Set-NetTCPSetting and
 *   Set-NetUDPSetting, NetTCPIP module). The cmdlets have no address-family and no store parameter, so what they
 *   change is read back, never assumed (dynamic-range-restore.ts).
 * - How: execFile of `%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe` (absolute, SystemRoot checked),
 *   `-NoProfile -NonInteractive -Command <script>`, no shell, stdin closed, a timeout. The script is built from two
 *   integers checked before formatting and holds no double quote, so nothing can be injected through it or through
 *   the command line's quoting. Its answer is one line of `ConvertTo-Json` plus the exit code; the error's
 *   FullyQualifiedErrorId (`Windows System Error 5,Set-NetTCPSetting`) is read, never its localized message.
 */
import { execFile } from 'node:child_process';
import { win32 as winPath } from 'node:path';
import {
  EphemeralPortsError,
  ErrorCodes,
  type Protocol,
  type RawCapture,
  invalidArgValue,
  outOfRange,
  rawLocale,
  recordCommand,
} from '@ephemeral-ports/core';
import { UV_WIN_ERRNO } from './win-errno.js';
import { windowsError } from './win-error.js';

export interface PowerShellCommand {
  /** Absolute path of the program to run. */
  command: string;
  /** Arguments put before PowerShell's own (e.g. the script of a double run by node). */
  args?: readonly string[];
}

export interface PowerShellResult {
  stdout: string;
  stderr: string;
  /** Exit status; null when killed (by the timeout, or a signal). */
  status: number | null;
  timedOut: boolean;
}

/** Runs one `-Command` script. */
export type PowerShellRunner = (script: string) => Promise<PowerShellResult>;

export const POWERSHELL_ARGS = ['-NoProfile', '-NonInteractive', '-Command'] as const;

// A drive-rooted path without quotes, wildcards, pipes or control characters, and no `..` segment.
const WINDOWS_ROOT = /^[A-Za-z]:\\[^"*?<>|\u0000-\u001f]*$/u;

/** `%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe`; SystemRoot must be a plain drive path. */
export function defaultPowerShellPath(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.SystemRoot ?? env.SYSTEMROOT ?? env.windir ?? 'C:\\Windows';
  if (!WINDOWS_ROOT.test(root) || root.split('\\').includes('..')) {
    throw invalidArgValue('process.env.SystemRoot', root, 'must be a drive-rooted path such as C:\\Windows');
  }
  return winPath.join(root, 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe');
}

const isAbsolutePath = (p: string) => winPath.isAbsolute(p) || p.startsWith('/');

/** `command` is resolved on first use, so a bad SystemRoot only matters when this route is needed. */
export function createPowerShellRunner(
  command: PowerShellCommand | (() => PowerShellCommand) = () => ({ command: defaultPowerShellPath() }),
  timeoutMs = 60_000,
): PowerShellRunner {
  return (script) =>
    new Promise((resolve, reject) => {
      let cmd: PowerShellCommand;
      try {
        cmd = typeof command === 'function' ? command() : command;
        if (!isAbsolutePath(cmd.command)) throw invalidArgValue('powershell.command', cmd.command, 'must be an absolute path');
      } catch (error) {
        reject(error);
        return;
      }
      const env = { ...process.env, LC_ALL: 'C' };
      const child = execFile(
        cmd.command,
        [...(cmd.args ?? []), ...POWERSHELL_ARGS, script],
        { encoding: 'utf8', env, windowsHide: true, timeout: timeoutMs, maxBuffer: 1024 * 1024, shell: false },
        (error, stdout, stderr) => {
          if (error && typeof (error as { code?: unknown }).code === 'string') {
            const e = error as NodeJS.ErrnoException;
            reject(
              new EphemeralPortsError(e.code!, `cannot run ${cmd.command}: ${e.message}`, {
                ...(typeof e.errno === 'number' && { errno: e.errno }),
                syscall: 'spawn',
                path: cmd.command,
                remedy: 'Windows PowerShell ships in %SystemRoot%\\System32\\WindowsPowerShell\\v1.0; check SystemRoot',
                cause: error,
              }),
            );
            return;
          }
          const killed = Boolean(error && (error as { killed?: boolean }).killed);
          const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          resolve({ stdout, stderr, status, timedOut: killed && status === null });
        },
      );
      child.stdin?.end();
    });
}

export interface StartCount {
  start: number;
  count: number;
}

export const cmdletOf = (protocol: Protocol) => (protocol === 'udp' ? 'Set-NetUDPSetting' : 'Set-NetTCPSetting');

/** The one-line command a human would run (messages, remedies). */
export function formatPowerShellSet(protocol: Protocol, value: StartCount): string {
  return `${cmdletOf(protocol)} -DynamicPortRangeStartPort ${value.start} -DynamicPortRangeNumberOfPorts ${value.count}`;
}

/**
 * Checks what the cmdlets accept: start 1..65535 (documented), a UInt16 count of at least 1, and a range that ends
 * at 65535 at the latest. Throws RangeError (ERR_OUT_OF_RANGE) before anything runs.
 */
export function assertPowerShellRange(value: StartCount, field = 'range'): StartCount {
  const { start, count } = value;
  if (!Number.isInteger(start) || start < 1 || start > 65535) outOfRangeOf(`${field}.start`, '>= 1 && <= 65535', start);
  if (!Number.isInteger(count) || count < 1 || count > 65535) outOfRangeOf(`${field}.count`, '>= 1 && <= 65535', count);
  if (start + count - 1 > 65535) outOfRangeOf(`${field}.count`, `<= ${65536 - start} (the range ends at 65535)`, count);
  return { start, count };
}

function outOfRangeOf(name: string, range: string, value: unknown): never {
  throw outOfRange(name, range, value);
}

/** The `-Command` script: one line, single quotes only, the two numbers already checked. */
export function setDynamicPortScript(protocol: Protocol, value: StartCount): string {
  const { start, count } = assertPowerShellRange(value);
  return [
    "$ErrorActionPreference = 'Stop'",
    'try { [Console]::OutputEncoding = [System.Text.Encoding]::UTF8 } catch { }',
    `try { ${formatPowerShellSet(protocol, { start, count })}; @{ ok = $true } | ConvertTo-Json -Compress; exit 0 }`,
    'catch { @{ ok = $false; errorId = [string]$_.FullyQualifiedErrorId; category = [string]$_.CategoryInfo.Category; ' +
      'message = [string]$_.Exception.Message } | ConvertTo-Json -Compress; exit 1 }',
  ].join('; ');
}

interface ScriptAnswer {
  ok: boolean;
  errorId?: string;
  category?: string;
  message?: string;
}

/** The last line that is our JSON object (PowerShell may print other lines, CRLF or not). */
export function parseScriptAnswer(stdout: string): ScriptAnswer | undefined {
  const lines = stdout.split(/\r\n|\r|\n/).map((l) => l.trim().replace(/^\uFEFF/, ''));
  for (const line of lines.reverse()) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (typeof parsed.ok !== 'boolean') continue;
      return {
        ok: parsed.ok,
        ...(typeof parsed.errorId === 'string' && { errorId: parsed.errorId }),
        ...(typeof parsed.category === 'string' && { category: parsed.category }),
        ...(typeof parsed.message === 'string' && { message: parsed.message }),
      };
    } catch {
      // not ours: keep looking
    }
  }
  return undefined;
}

/** The error of a refused script, in the project's vocabulary (win-errno.ts through windowsError). */
export function powerShellError(protocol: Protocol, value: StartCount, result: PowerShellResult): EphemeralPortsError {
  const command = formatPowerShellSet(protocol, value);
  const syscall = cmdletOf(protocol);
  if (result.timedOut) {
    return new EphemeralPortsError('ETIMEDOUT', `${command} did not finish in time`, {
      errno: UV_WIN_ERRNO.ETIMEDOUT,
      syscall,
      remedy: 'run the command by hand from an elevated Windows PowerShell',
    });
  }
  const answer = parseScriptAnswer(result.stdout);
  const said = (answer?.message ?? `${result.stdout}\n${result.stderr}`).replace(/\s+/g, ' ').trim().slice(0, 300);
  const message = `${command} failed${said ? `: ${said}` : ''}`;
  const id = answer?.errorId ?? '';
  const win32 = /Windows System Error (\d+)/i.exec(id);
  if (win32) return windowsError(Number(win32[1]), undefined, message, { syscall });
  const hresult = /HRESULT 0x([0-9a-f]{8})/i.exec(id);
  if (hresult) return windowsError(Number.parseInt(hresult[1]!, 16), undefined, message, { syscall });
  if (id.startsWith('CommandNotFoundException')) {
    return new EphemeralPortsError(ErrorCodes.UNSUPPORTED_OPERATION, `${message}: this Windows has no NetTCPIP module`, {
      syscall,
      remedy: 'the NetTCPIP cmdlets come with Windows 8 / Server 2012 and later; netsh refuses this range (KB929851)',
    });
  }
  return new EphemeralPortsError(
    ErrorCodes.COMMAND_FAILED,
    `${message} (exit ${result.status ?? 'killed'}${id ? `, ${id}` : ''})`,
    { syscall, remedy: 'run the command by hand from an elevated Windows PowerShell' },
  );
}

/** Runs the cmdlet for `protocol`; resolves when PowerShell reports success (the caller reads the result back). */
export async function setDynamicPortViaPowerShell(
  run: PowerShellRunner,
  protocol: Protocol,
  value: StartCount,
): Promise<void> {
  const script = setDynamicPortScript(protocol, value);
  const result = await run(script);
  const answer = parseScriptAnswer(result.stdout);
  if (result.status === 0 && answer?.ok !== false) return;
  throw powerShellError(protocol, value, result);
}

/** `run`, recording each script, exit status and output before any parser sees them (a support bundle). */
export function recordingPowerShell(run: PowerShellRunner, capture: RawCapture, file: string): PowerShellRunner {
  return (script) =>
    recordCommand(capture, { kind: 'command', file, args: [...POWERSHELL_ARGS, script], locale: rawLocale({ ...process.env, LC_ALL: 'C' }) }, () => run(script));
}
