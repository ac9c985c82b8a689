/**
 * Every error this project throws is an {@link EphemeralPortsError}: callers branch on `code`, never on `message`.
 *
 * Codes are stable. OS errors use the errno name as `code` (like Node's fs/net errors) and carry `errno` and
 * `syscall`; our own conditions use `ERR_*` codes.
 */

/** One finding of a validation or safety check. */
export interface Diagnostic {
  /** Stable machine-readable code, e.g. `RANGE_LOW_BELOW_UNPRIVILEGED_START`. */
  readonly code: string;
  /** `info` only reports a fact worth knowing (e.g. reserved ports inside the range); it never blocks anything. */
  readonly severity: 'error' | 'warning' | 'info';
  /** One human sentence. */
  readonly message: string;
  /** The input field it is about (`low`, `high`, `count`, ...), when there is one. */
  readonly field?: string;
}

export interface EphemeralPortsErrorOptions {
  errno?: number;
  syscall?: string;
  path?: string;
  /** What a human can do about it. */
  remedy?: string;
  /** Every violation found, for validation errors. */
  violations?: readonly Diagnostic[];
  cause?: unknown;
}

export class EphemeralPortsError extends Error {
  readonly code: string;
  readonly errno?: number;
  readonly syscall?: string;
  readonly path?: string;
  readonly remedy?: string;
  readonly violations?: readonly Diagnostic[];

  constructor(code: string, message: string, options: EphemeralPortsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EphemeralPortsError';
    this.code = code;
    if (options.errno !== undefined) this.errno = options.errno;
    if (options.syscall !== undefined) this.syscall = options.syscall;
    if (options.path !== undefined) this.path = options.path;
    if (options.remedy !== undefined) this.remedy = options.remedy;
    if (options.violations !== undefined) this.violations = options.violations;
  }

  /** A plain object for `--json` output and logs. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    for (const key of ['errno', 'syscall', 'path', 'remedy', 'violations'] as const) {
      if (this[key] !== undefined) out[key] = this[key];
    }
    return out;
  }
}

/** Codes of conditions this project detects itself (OS errors use their errno names instead). */
export const ErrorCodes = {
  /** Arguments of the wrong type or shape (not a port number, not a range). */
  INVALID_ARGUMENT: 'ERR_INVALID_ARGUMENT',
  /** A range that the target OS (or a safety rail) refuses; see `violations`. */
  INVALID_RANGE: 'ERR_INVALID_RANGE',
  /** A reserved/excluded port list that cannot be applied. */
  INVALID_PORT_LIST: 'ERR_INVALID_PORT_LIST',
  /** `process.platform` has no backend. */
  UNSUPPORTED_PLATFORM: 'ERR_UNSUPPORTED_PLATFORM',
  /** A backend exists for this platform but could not be loaded; see `cause`. */
  BACKEND_LOAD_FAILED: 'ERR_BACKEND_LOAD_FAILED',
  /** The backend cannot do this on this OS (e.g. reserved ports on macOS). */
  UNSUPPORTED_OPERATION: 'ERR_UNSUPPORTED_OPERATION',
  /** The kernel stored something other than what was written (BSD clamping). */
  CLAMPED: 'ERR_RANGE_CLAMPED',
  /** A write succeeded but reading it back showed another value. */
  READBACK_MISMATCH: 'ERR_READBACK_MISMATCH',
  /** A multi-step change failed and the previous value was restored. */
  ROLLED_BACK: 'ERR_ROLLED_BACK',
  /** A multi-step change failed and restoring the previous value failed too. */
  ROLLBACK_FAILED: 'ERR_ROLLBACK_FAILED',
  /** An OS command (no, netsh, sysctl) exited non-zero. */
  COMMAND_FAILED: 'ERR_COMMAND_FAILED',
  /** Output of an OS command or file could not be parsed. */
  PARSE: 'ERR_PARSE',
  /** A safety rail refused the change; pass `force` to override. */
  UNSAFE_CHANGE: 'ERR_UNSAFE_CHANGE',
  /** No port satisfied the request. */
  NO_FREE_PORT: 'ERR_NO_FREE_PORT',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export function isEphemeralPortsError(value: unknown): value is EphemeralPortsError {
  return value instanceof EphemeralPortsError;
}
