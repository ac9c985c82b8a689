/**
 * Boot-time persistence through systemd's sysctl.d(5): one file, `/etc/sysctl.d/90-ephemeral-ports.conf`.
 * Whether it wins at boot (a later file may set the key again) is computed by effective-persist.ts.
 * "90" sorts after distribution defaults (`10-*`, `50-*`) so our line wins over them, and before Debian's
 * `99-sysctl.conf` → /etc/sysctl.conf, so an administrator's sysctl.conf keeps the last word. systemd-sysctl
 * applies it at boot in the initial network namespace only, so a netns option is refused here.
 * The existing file is parsed before anything is written (a value we cannot read refuses the change), and it is
 * replaced through safe-file.ts: no symlink or special file followed, owner and mode kept, atomic and durable.
 *
 * How the file is read mirrors systemd-sysctl (src/sysctl/sysctl.c): lines end at LF, CRLF or CR, leading and
 * trailing whitespace is stripped, `#`/`;` start comments, the value goes to the kernel as written. The kernel
 * reads each number with base 0 (kernel/sysctl.c proc_get_long → strtoul_lenient(…, 0, …)): `0x8000` is hex,
 * `0100000` octal and `032768` refused (EINVAL at boot). Such values are refused here, never read as decimal.
 */
import { join, resolve } from 'node:path';
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
import type { SysctlLayout } from './boot-order.js';
import { predictSysctlBoot } from './effective-persist.js';
import { withOsErrors } from './os-error.js';
import { rangeOrProblem } from './procfs-format.js';
import { persistRemedy } from './remedy.js';
import { readRegularFile, replaceFile } from './safe-file.js';

export const SYSCTL_D_DIR = '/etc/sysctl.d';
export const SYSCTL_D_FILE = '90-ephemeral-ports.conf';
/**
 * Overrides the directory written to (tests); `options.file` overrides the whole path. The boot order is not moved:
 * a directory systemd-sysctl does not read gets PERSIST_NOT_READ_AT_BOOT like any other file outside it.
 */
export const SYSCTL_DIR_ENV = 'EPHEMERAL_PORTS_SYSCTL_DIR';
/**
 * A root that prefixes every directory the boot reads (tests, image builds): the default file is then
 * `<root>/etc/sysctl.d/90-ephemeral-ports.conf` and the boot order is computed inside it.
 */
export const SYSCTL_ROOT_ENV = 'EPHEMERAL_PORTS_SYSCTL_ROOT';
const KEY = 'net.ipv4.ip_local_port_range';
// sysctl.d accepts the dotted and the slashed spelling of a key.
const KEY_LINE = /^\s*-?\s*net[./]ipv4[./]ip_local_port_range\s*=(.*)$/;
/** systemd's read_line() ends a line at LF, CRLF or CR; the separators are kept to write the file back as it was. */
const EOL = /(\r\n|\r|\n)/;

/**
 * The file persistence writes and judges, always absolute: a relative `file` or environment directory is resolved
 * once, against the current directory, so what is written, judged and reported (`sysctl -p <path>` in the header, the
 * warnings) is one path that means the same thing from any directory.
 */
export function persistTarget(options: PersistOptions = {}): string {
  if (options.file !== undefined) {
    if (typeof options.file !== 'string') throw invalidArgType('file', 'a path string', options.file);
    if (options.file === '') throw invalidArgValue('file', options.file, 'must be a non-empty path');
    return resolve(options.file);
  }
  return resolve(process.env[SYSCTL_DIR_ENV] || join(bootRoot(), SYSCTL_D_DIR), SYSCTL_D_FILE);
}

const bootRoot = () => resolve(process.env[SYSCTL_ROOT_ENV] || '/');

/**
 * Where the boot order is read from: the root only. EPHEMERAL_PORTS_SYSCTL_DIR moves the file we write, not the
 * directories systemd-sysctl reads, so a file written there is judged like any `--file`: not read at boot unless
 * the directory is one of them (an image's tree is judged with EPHEMERAL_PORTS_SYSCTL_ROOT instead).
 */
export function bootLayout(): SysctlLayout {
  return { root: bootRoot() };
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
  // Odd indexes are the line ends; a file that ends with one splits into a last empty part.
  const parts = before.split(EOL);
  const eol = parts[1] ?? '\n';
  let last = -1;
  for (let i = 0; i < parts.length; i += 2) if (KEY_LINE.test(parts[i]!)) last = i;
  if (last >= 0) parts[last] = line;
  else if (parts[parts.length - 1] === '') parts.splice(parts.length - 1, 0, line, eol);
  else parts.push(eol, line, eol);
  return parts.join('');
}

/** The range the file assigns (last assignment wins, as in sysctl.d), or null when it assigns none. */
export function parseSysctlConf(text: string, target: string): PortRange | null {
  let found: PortRange | null = null;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    if (/^\s*[#;]/.test(raw)) continue;
    const match = KEY_LINE.exec(raw);
    if (!match) continue;
    // The value is the knob's own text ("low high"): one reader for both.
    const range = rangeOrProblem(match[1]!);
    if ('problem' in range) {
      throw new EphemeralPortsError(ErrorCodes.PARSE, `cannot parse ${JSON.stringify(raw.trim())} in ${target}: ${range.problem}`, {
        path: target,
        remedy: `write the line as "${KEY} = <low> <high>" with plain decimal numbers; nothing was changed`,
      });
    }
    found = range;
  }
  return found;
}

/** The default directory is created when missing (a minimal image); a `file` option names an existing directory. */
const fileOptions = (options: PersistOptions) => ({ argument: 'file', createDirectory: options.file === undefined });

/**
 * Writes (unless dry run) the validated `range` into the sysctl.d file. The existing file is read and parsed first,
 * in a dry run too, so what would be refused is refused before anything changes.
 */
export function persistRangeToFile(range: PortRange, options: PersistOptions = {}): PersistResult {
  const target = persistTarget(options);
  return withOsErrors(() => {
    const before = readRegularFile(target, fileOptions(options))?.content ?? null;
    if (before !== null) parseSysctlConf(before, target);
    const after = renderSysctlConf(before, range, target);
    const changed = before !== after;
    if (changed && !options.dryRun) replaceFile(target, after, fileOptions(options));
    // A dry run predicts with the file as it would be; a write, with the file as it now is.
    const overlay = options.dryRun ? new Map([[target, after]]) : undefined;
    return {
      target,
      before: before ?? '',
      after,
      diff: unifiedDiff(before ?? '', after, target),
      written: changed && !options.dryRun,
      effective: predictSysctlBoot(target, range, { ...bootLayout(), ...(overlay ? { overlay } : {}) }),
    };
  }, persistRemedy);
}

export function readPersistedRange(options: PersistOptions = {}): PersistedReading {
  const target = persistTarget(options);
  const text = withOsErrors(() => readRegularFile(target, { argument: 'file' })?.content ?? null, persistRemedy);
  const range = text === null ? null : parseSysctlConf(text, target);
  return { range, target, effective: predictSysctlBoot(target, range, bootLayout()) };
}
