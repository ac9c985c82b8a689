/**
 * OS errors of the BSD sysctl paths (addon or sysctl(8)) as `EphemeralPortsError`s: `code` = errno name, `errno`,
 * `syscall`, `path` = the OID, and a remedy that knows FreeBSD's securelevel and jail rules.
 */
import { EphemeralPortsError, ErrorCodes } from '@ephemeral-ports/core';
import { BSD_OIDS, BSD_OS_LABEL, BSD_SYSCTL_PATH, type BsdOs } from './sysctl-names.js';

/** The fields an OS error carries, from the addon (`code`, `errno`, `syscall`, `path`) or a parsed stderr. */
export interface OsErrorFields {
  code: string;
  errno?: number;
  syscall?: string;
  path?: string;
  message: string;
}

/** errno values shared by FreeBSD, macOS and Linux for the errors sysctl can report. */
export const BSD_ERRNO: Readonly<Record<string, number>> = Object.freeze({
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  ENOMEM: 12,
  EACCES: 13,
  EINVAL: 22,
});

const SECURE_OIDS: ReadonlySet<string> = new Set([BSD_OIDS.reservedlow, BSD_OIDS.reservedhigh]);

function remedyFor(os: BsdOs, fields: OsErrorFields): string | undefined {
  const oid = fields.path ?? 'net.inet.ip.portrange.*';
  switch (fields.code) {
    case 'EPERM':
      if (os === 'freebsd' && SECURE_OIDS.has(oid)) {
        return (
          `${oid} is CTLFLAG_SECURE: it cannot change while kern.securelevel > 0. Set it in /etc/sysctl.conf ` +
          '(applied at boot before the securelevel is raised) or run with kern_securelevel_enable="NO".'
        );
      }
      return os === 'freebsd'
        ? 'Run as root. Inside a jail only a VNET jail (vnet=1) may change net.inet.ip.portrange.*; other jails ' +
            "share the host's values."
        : 'Run as root (sudo).';
    case 'ENOENT':
      return `This ${BSD_OS_LABEL[os]} kernel has no ${oid}; check \`${BSD_SYSCTL_PATH[os]} net.inet.ip.portrange\`.`;
    case 'EACCES':
      return 'Run as root.';
    default:
      return undefined;
  }
}

export function sysctlOsError(os: BsdOs, fields: OsErrorFields, cause?: unknown): EphemeralPortsError {
  const remedy = remedyFor(os, fields);
  return new EphemeralPortsError(fields.code, fields.message, {
    ...(fields.errno !== undefined ? { errno: fields.errno } : {}),
    ...(fields.syscall !== undefined ? { syscall: fields.syscall } : {}),
    ...(fields.path !== undefined ? { path: fields.path } : {}),
    ...(remedy !== undefined ? { remedy } : {}),
    ...(cause !== undefined ? { cause } : {}),
  });
}

const STDERR_ERRORS: ReadonlyArray<readonly [RegExp, string]> = [
  [/unknown oid|No such file or directory/i, 'ENOENT'],
  [/Operation not permitted/i, 'EPERM'],
  [/Permission denied/i, 'EACCES'],
  [/Invalid argument/i, 'EINVAL'],
  [/Cannot allocate memory/i, 'ENOMEM'],
  [/Input\/output error/i, 'EIO'],
];

/**
 * Maps a failed sysctl(8) run to an error. sysctl prints strerror() text (`sysctl: <name>=<v>: Operation not
 * permitted`, `sysctl: unknown oid '<name>'`); anything else is `ERR_EPHEMERAL_COMMAND_FAILED` with the stderr text.
 */
export function sysctlCommandError(
  os: BsdOs,
  command: string,
  args: readonly string[],
  exitCode: number,
  stderr: string,
): EphemeralPortsError {
  const text = stderr.trim().slice(0, 500);
  const oid = /(net\.inet\.ip\.portrange\.[A-Za-z0-9_]+)/.exec(text)?.[1];
  for (const [pattern, code] of STDERR_ERRORS) {
    if (pattern.test(text)) {
      return sysctlOsError(os, {
        code,
        errno: BSD_ERRNO[code]!,
        syscall: 'sysctl',
        ...(oid !== undefined ? { path: oid } : {}),
        message: `${command} ${args.join(' ')}: ${text}`,
      });
    }
  }
  return new EphemeralPortsError(
    ErrorCodes.COMMAND_FAILED,
    `${command} ${args.join(' ')} exited with ${exitCode}${text ? `: ${text}` : ''}`,
    { path: command },
  );
}
