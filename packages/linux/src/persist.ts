/**
 * Boot-time persistence through systemd's sysctl.d(5): one file, `/etc/sysctl.d/90-ephemeral-ports.conf`.
 * "90" sorts after distribution defaults (`10-*`, `50-*`) so our line wins over them, and before Debian's
 * `99-sysctl.conf` → /etc/sysctl.conf, so an administrator's sysctl.conf keeps the last word. systemd-sysctl
 * applies it at boot in the initial network namespace only, so a netns option is refused here.
 * Writes are atomic (temp file in the same directory, fsync, rename); other lines of the file are kept.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  EphemeralPortsError,
  ErrorCodes,
  type PersistOptions,
  type PersistResult,
  type PersistedReading,
  type PortRange,
  invalidArgType,
  invalidArgValue,
  unifiedDiff,
} from '@ephemeral-ports/core/model';
import { withOsErrors } from './os-error.js';
import { parseRangeText } from './procfs-format.js';
import { persistRemedy } from './remedy.js';

export const SYSCTL_D_DIR = '/etc/sysctl.d';
export const SYSCTL_D_FILE = '90-ephemeral-ports.conf';
/** Overrides the directory (tests, image builds); `options.file` overrides the whole path. */
export const SYSCTL_DIR_ENV = 'EPHEMERAL_PORTS_SYSCTL_DIR';
const KEY = 'net.ipv4.ip_local_port_range';
// sysctl.d accepts the dotted and the slashed spelling of a key.
const KEY_LINE = /^\s*-?\s*net[./]ipv4[./]ip_local_port_range\s*=(.*)$/;

export function persistTarget(options: PersistOptions = {}): string {
  if (options.file !== undefined) {
    if (typeof options.file !== 'string') throw invalidArgType('file', 'a path string', options.file);
    if (options.file === '') throw invalidArgValue('file', options.file, 'must be a non-empty path');
    return options.file;
  }
  return join(process.env[SYSCTL_DIR_ENV] || SYSCTL_D_DIR, SYSCTL_D_FILE);
}

export function refusePersistNetns(options: PersistOptions = {}): void {
  if (options.netns !== undefined) {
    throw new EphemeralPortsError(
      ErrorCodes.UNSUPPORTED_OPERATION,
      'sysctl.d is applied at boot in the initial network namespace only; a namespace cannot persist its range',
      { remedy: "persist a container's range through its runtime (--sysctl, OCI linux.sysctl)" },
    );
  }
}

function header(target: string): string {
  return (
    '# Written by ephemeral-ports (@ephemeral-ports/linux): the ephemeral port range applied at boot by\n' +
    `# systemd-sysctl. Apply now with: sysctl -p ${target}\n`
  );
}

/** The file's content with our key set to `range`: replaces the last assignment, or appends one. */
export function renderSysctlConf(before: string | null, range: PortRange, target: string): string {
  const line = `${KEY} = ${range.low} ${range.high}`;
  if (before === null || before.trim() === '') return `${header(target)}${line}\n`;
  const lines = before.replace(/\n$/, '').split('\n');
  let last = -1;
  lines.forEach((l, i) => {
    if (KEY_LINE.test(l)) last = i;
  });
  if (last >= 0) lines[last] = line;
  else lines.push(line);
  return `${lines.join('\n')}\n`;
}

/** The range the file assigns (last assignment wins, as in sysctl.d), or null when it assigns none. */
export function parseSysctlConf(text: string, target: string): PortRange | null {
  let found: PortRange | null = null;
  for (const raw of text.split('\n')) {
    if (/^\s*[#;]/.test(raw)) continue;
    const match = KEY_LINE.exec(raw);
    if (!match) continue;
    // The value is the knob's own text ("low high"): one parser for both.
    try {
      found = parseRangeText(match[1]!);
    } catch (error) {
      throw new EphemeralPortsError(ErrorCodes.PARSE, `cannot parse ${JSON.stringify(raw.trim())} in ${target}`, {
        path: target,
        cause: error,
      });
    }
  }
  return found;
}

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function writeAtomically(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temp, 'w', 0o644);
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Writes (unless dry run) the validated `range` into the sysctl.d file. */
export function persistRangeToFile(range: PortRange, options: PersistOptions = {}): PersistResult {
  const target = persistTarget(options);
  return withOsErrors(() => {
    const before = readIfExists(target);
    const after = renderSysctlConf(before, range, target);
    const changed = before !== after;
    if (changed && !options.dryRun) writeAtomically(target, after);
    return {
      target,
      before: before ?? '',
      after,
      diff: unifiedDiff(before ?? '', after, target),
      written: changed && !options.dryRun,
    };
  }, persistRemedy);
}

export function readPersistedRange(options: PersistOptions = {}): PersistedReading {
  const target = persistTarget(options);
  const text = withOsErrors(() => readIfExists(target), persistRemedy);
  return { range: text === null ? null : parseSysctlConf(text, target), target };
}
