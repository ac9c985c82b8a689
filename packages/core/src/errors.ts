/**
 * The one error vocabulary of this project, shaped the way Node and libuv shape theirs; callers branch on `code`,
 * never on `message`. Codes are stable and listed in docs/errors.md.
 *
 * - OS failures: {@link EphemeralPortsError} with the POSIX errno name as `code` (`EACCES`, `EINVAL`...), a
 *   negative `errno` as Node's fs/net errors carry, `syscall`, `path` where there is one, and a `remedy`. Windows
 *   failures are mapped to the nearest errno name, as libuv's `uv_translate_sys_error` does, and keep the Windows
 *   code in `winCode`.
 * - Conditions that are not a syscall's failure: {@link EphemeralPortsError} with an `ERR_EPHEMERAL_*` code.
 * - Invalid arguments: {@link EphemeralPortsTypeError} / {@link EphemeralPortsRangeError}, subclasses of Node's
 *   `TypeError` / `RangeError` with Node's codes (`ERR_INVALID_ARG_TYPE`, `ERR_INVALID_ARG_VALUE`,
 *   `ERR_OUT_OF_RANGE`), thrown before any side effect.
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
  /** The errno of an OS failure. Stored negative, as Node does (`-13` for EACCES), whatever sign it is given in. */
  errno?: number;
  syscall?: string;
  path?: string;
  /** Windows: the original Win32 error code or HRESULT name (`ERROR_ACCESS_DENIED`), when `code` is its errno. */
  winCode?: string;
  /** What a human can do about it. */
  remedy?: string;
  /** Every violation found, for validation errors. */
  violations?: readonly Diagnostic[];
  cause?: unknown;
}

const DETAIL_KEYS = ['errno', 'syscall', 'path', 'winCode', 'remedy', 'violations'] as const;

/**
 * `instanceof` for this project's error classes that also holds for errors made by another copy of core: two installs
 * in one app, or the `import` build of `ephemeral-ports/get-port`, which carries its own (docs/ARCHITECTURE.md,
 * "Public surface"). Each class marks its prototype under a process-wide symbol; a subclass of one of them checks as
 * usual.
 */
const KIND = Symbol.for('ephemeral-ports.error-class');
function isKind(value: unknown, kind: string): boolean {
  return typeof value === 'object' && value !== null && (value as { [KIND]?: unknown })[KIND] === kind;
}

export class EphemeralPortsError extends Error {
  readonly code: string;
  // Declared, not defined: an error carries only the details it has (no own `undefined` properties in any build).
  declare readonly errno?: number;
  declare readonly syscall?: string;
  declare readonly path?: string;
  declare readonly winCode?: string;
  declare readonly remedy?: string;
  declare readonly violations?: readonly Diagnostic[];

  constructor(code: string, message: string, options: EphemeralPortsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EphemeralPortsError';
    this.code = code;
    if (options.errno !== undefined) this.errno = -Math.abs(options.errno);
    if (options.syscall !== undefined) this.syscall = options.syscall;
    if (options.path !== undefined) this.path = options.path;
    if (options.winCode !== undefined) this.winCode = options.winCode;
    if (options.remedy !== undefined) this.remedy = options.remedy;
    if (options.violations !== undefined) this.violations = options.violations;
  }

  /** A plain object for `--json` output and logs. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    for (const key of DETAIL_KEYS) if (this[key] !== undefined) out[key] = this[key];
    return out;
  }
}

/** An argument of the wrong type, or a value no caller could mean (`ERR_INVALID_ARG_TYPE`, `ERR_INVALID_ARG_VALUE`). */
export class EphemeralPortsTypeError extends TypeError {
  readonly code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE';
  constructor(code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE', message: string) {
    super(message);
    this.name = 'TypeError';
    this.code = code;
  }
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/** A number outside the values an argument accepts (`ERR_OUT_OF_RANGE`). */
export class EphemeralPortsRangeError extends RangeError {
  readonly code: 'ERR_OUT_OF_RANGE';
  constructor(message: string) {
    super(message);
    this.name = 'RangeError';
    this.code = 'ERR_OUT_OF_RANGE';
  }
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }
}

// Set from outside the classes: a class body that names its own class makes bundlers rename it (`_EphemeralPortsError`),
// and the renamed class is what `util.inspect` and loggers print.
for (const [kind, errorClass] of Object.entries({ EphemeralPortsError, EphemeralPortsTypeError, EphemeralPortsRangeError })) {
  Object.defineProperty(errorClass.prototype, KIND, { value: kind });
  Object.defineProperty(errorClass, Symbol.hasInstance, {
    value(this: unknown, value: unknown): boolean {
      return this === errorClass ? isKind(value, kind) : Function.prototype[Symbol.hasInstance].call(this, value);
    },
  });
}

/** Every error class this project throws. */
export type AnyEphemeralPortsError = EphemeralPortsError | EphemeralPortsTypeError | EphemeralPortsRangeError;

/** How a value looks in an error message: its type, and the value itself when it is short. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `type string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)})`;
    case 'number':
    case 'bigint':
    case 'boolean':
      return `type ${typeof value} (${String(value)})`;
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'a function';
    default:
      return 'an object';
  }
}

/** `ERR_INVALID_ARG_TYPE`: `name` must be `expected` (e.g. "an integer", "a {low, high} object"). */
export function invalidArgType(name: string, expected: string, actual: unknown): EphemeralPortsTypeError {
  return new EphemeralPortsTypeError(
    'ERR_INVALID_ARG_TYPE',
    `The "${name}" argument must be ${expected}. Received ${describeValue(actual)}`,
  );
}

/** `ERR_INVALID_ARG_VALUE`: `name` has the right type but a value that is refused, for `reason`. */
export function invalidArgValue(name: string, actual: unknown, reason: string): EphemeralPortsTypeError {
  return new EphemeralPortsTypeError(
    'ERR_INVALID_ARG_VALUE',
    `The "${name}" argument ${reason}. Received ${describeValue(actual)}`,
  );
}

/** `ERR_OUT_OF_RANGE`: the number `name` must be within `accepted` (e.g. ">= 1 && <= 65535"). */
export function outOfRange(name: string, accepted: string, actual: unknown): EphemeralPortsRangeError {
  return new EphemeralPortsRangeError(
    `The value of "${name}" is out of range. It must be ${accepted}. Received ${describeValue(actual)}`,
  );
}

/**
 * Argument checks shared by every public function, so the same mistake gets the same code everywhere:
 * a value of the wrong JS type is `ERR_INVALID_ARG_TYPE`, a number outside its bounds (or not an integer, as
 * Node's `validateInteger` says) is `ERR_OUT_OF_RANGE`.
 */
export function checkInteger(name: string, value: unknown, min: number, max: number): asserts value is number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
}

/** A finite number `>= min` (durations, rates). */
export function checkFiniteNumber(name: string, value: unknown, min: number): asserts value is number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isFinite(value) || value < min) throw outOfRange(name, `a finite number >= ${min}`, value);
}

export function checkBoolean(name: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
}

/** A non-null, non-array object; `expected` names its shape in the message (e.g. "a {low, high} object"). */
export function checkObject(name: string, value: unknown, expected = 'an object'): asserts value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidArgType(name, expected, value);
}

/** One of a few allowed values (`ERR_INVALID_ARG_VALUE`, as Node's `validateOneOf`). */
export function checkOneOf<T>(name: string, value: unknown, allowed: readonly T[]): asserts value is T {
  if (!allowed.includes(value as T)) {
    throw invalidArgValue(name, value, `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`);
  }
}

/** Codes of conditions this project detects itself (OS errors use their errno names instead). */
export const ErrorCodes = {
  /** Invalid arguments (Node's codes, on TypeError / RangeError). */
  ARG_TYPE: 'ERR_INVALID_ARG_TYPE',
  ARG_VALUE: 'ERR_INVALID_ARG_VALUE',
  OUT_OF_RANGE: 'ERR_OUT_OF_RANGE',
  /** CLI words that do not parse (unknown command or option, missing value). */
  USAGE: 'ERR_EPHEMERAL_USAGE',
  /** A range that the target OS (or a safety rail) refuses; see `violations`. */
  INVALID_RANGE: 'ERR_EPHEMERAL_INVALID_RANGE',
  /** A reserved/excluded port list that cannot be applied. */
  INVALID_PORT_LIST: 'ERR_EPHEMERAL_INVALID_PORT_LIST',
  /** `process.platform` has no backend. */
  UNSUPPORTED_PLATFORM: 'ERR_EPHEMERAL_UNSUPPORTED_PLATFORM',
  /** A backend exists for this platform but could not be loaded; see `cause`. */
  BACKEND_LOAD_FAILED: 'ERR_EPHEMERAL_BACKEND_LOAD_FAILED',
  /** The operation needs the package's native addon and none loads here; the message names the platform and the prebuilds shipped, `remedy` how to build one. */
  NO_BINARY: 'ERR_EPHEMERAL_NO_BINARY',
  /** The backend cannot do this on this OS (e.g. reserved ports on macOS). */
  UNSUPPORTED_OPERATION: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION',
  /** The kernel stored something other than what was written (BSD clamping). */
  CLAMPED: 'ERR_EPHEMERAL_CLAMPED',
  /** A write succeeded but reading it back showed another value. */
  READBACK_MISMATCH: 'ERR_EPHEMERAL_READBACK_MISMATCH',
  /** A multi-step change failed and the previous value was restored. */
  ROLLED_BACK: 'ERR_EPHEMERAL_ROLLED_BACK',
  /** A multi-step change failed and restoring the previous value failed too. */
  ROLLBACK_FAILED: 'ERR_EPHEMERAL_ROLLBACK_FAILED',
  /** An OS command (no, netsh, sysctl) exited non-zero without an errno to report. */
  COMMAND_FAILED: 'ERR_EPHEMERAL_COMMAND_FAILED',
  /** Output of an OS command or file could not be parsed. */
  PARSE: 'ERR_EPHEMERAL_PARSE',
  /** A safety rail refused the change; pass `force` to override. */
  UNSAFE_CHANGE: 'ERR_EPHEMERAL_UNSAFE_CHANGE',
  /** No port satisfied the request. */
  NO_FREE_PORT: 'ERR_EPHEMERAL_NO_FREE_PORT',
  /** The free-port lock directory is another user's, a symlink or not a directory: refused, never repaired. */
  UNSAFE_LOCK_DIR: 'ERR_EPHEMERAL_UNSAFE_LOCK_DIR',
  /** An error that no rule above covers (a bug: please report it). */
  INTERNAL: 'ERR_EPHEMERAL_INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** True for every error class this project throws (OS, condition and argument errors). */
export function isEphemeralPortsError(value: unknown): value is AnyEphemeralPortsError {
  return (
    value instanceof EphemeralPortsError ||
    value instanceof EphemeralPortsTypeError ||
    value instanceof EphemeralPortsRangeError
  );
}
