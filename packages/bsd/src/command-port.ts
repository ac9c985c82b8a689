/**
 * A {@link SysctlPort} over sysctl(8), for when the addon cannot be loaded. Reads with `sysctl -n <names...>`;
 * writes with `sysctl name=value` (FreeBSD) or `sysctl -w name=value` (macOS). The process runner is injected
 * (execFile with an absolute path, no shell) so this module stays free of I/O.
 */
import {
  EphemeralPortsError,
  ErrorCodes,
  type RawCapture,
  invalidArgType,
  invalidArgValue,
  outOfRange,
  rawFailure,
  rawLocale,
} from '@ephemeral-ports/core';
import { BSD_SYSCTL_PATH, PORTRANGE_PREFIX, type BsdOs } from './sysctl-names.js';
import { sysctlCommandError } from './sysctl-errors.js';
import { parseSysctlValues } from './sysctl-output.js';
import type { SysctlPort } from './sysctl-port.js';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `file` with `args` (no shell). Resolves for any exit code; rejects only when the process cannot start. */
export type RunCommand = (file: string, args: readonly string[]) => Promise<CommandResult>;

export interface CommandPortOptions {
  os: BsdOs;
  run: RunCommand;
  /** Absolute path of sysctl(8). Default `/sbin/sysctl` (FreeBSD) or `/usr/sbin/sysctl` (macOS). */
  sysctlPath?: string;
  /** Records every run (a support bundle). */
  capture?: RawCapture;
}

const NAME = /^[A-Za-z0-9_.]+$/;

/** The locale io.ts's runner gives sysctl(8): LC_ALL=C, LANG inherited. */
const runLocale = () => rawLocale({ LANG: process.env.LANG, LC_ALL: 'C' });

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

// The same argument rules as the addon (native/bsd/addon.cc): only port-range OIDs, only C ints.
function checkName(name: unknown): void {
  if (typeof name !== 'string') throw invalidArgType('name', 'a string', name);
  if (!name.startsWith(PORTRANGE_PREFIX) || !NAME.test(name)) {
    throw invalidArgValue('name', name, 'is not a net.inet.ip.portrange.* sysctl name');
  }
}

function checkValue(value: unknown): void {
  if (typeof value !== 'number') throw invalidArgType('value', 'a number', value);
  if (!Number.isInteger(value) || value < INT_MIN || value > INT_MAX) {
    throw outOfRange('value', `an integer >= ${INT_MIN} and <= ${INT_MAX}`, value);
  }
}

export function createCommandSysctlPort(options: CommandPortOptions): SysctlPort {
  const { os, run, capture } = options;
  const sysctl = options.sysctlPath ?? BSD_SYSCTL_PATH[os];
  if (typeof sysctl !== 'string') throw invalidArgType('options.sysctlPath', 'a string', sysctl);
  if (!sysctl.startsWith('/')) throw invalidArgValue('options.sysctlPath', sysctl, 'must be an absolute path');

  const exec = async (args: string[]): Promise<string> => {
    let result: CommandResult;
    try {
      result = await run(sysctl, args);
      const { exitCode, stdout, stderr } = result;
      capture?.({ kind: 'command', file: sysctl, args, exitCode, stdout, stderr, locale: runLocale() });
    } catch (e) {
      const failed = { exitCode: null, stdout: '', stderr: '', locale: runLocale(), error: rawFailure(e) };
      capture?.({ kind: 'command', file: sysctl, args, ...failed });
      const code = (e as { code?: unknown }).code;
      throw new EphemeralPortsError(
        typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : ErrorCodes.COMMAND_FAILED,
        `cannot run ${sysctl}: ${(e as Error).message}`,
        { path: sysctl, syscall: 'spawn', remedy: 'Check that sysctl(8) exists at that path.', cause: e },
      );
    }
    if (result.exitCode !== 0) throw sysctlCommandError(os, sysctl, args, result.exitCode, result.stderr);
    return result.stdout;
  };

  return {
    source: 'spawn:sysctl',
    async read(names) {
      names.forEach(checkName);
      return parseSysctlValues(await exec(['-n', ...names]), names);
    },
    async write(name, value) {
      checkName(name);
      checkValue(value);
      const assignment = `${name}=${value}`;
      await exec(os === 'darwin' ? ['-w', assignment] : [assignment]);
    },
  };
}
