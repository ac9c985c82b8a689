/**
 * The BSD addon's surface (native/bsd/addon.cc) and a {@link SysctlPort} over it. The same addon is built for
 * FreeBSD and macOS; tests build it on Linux against a sysctlbyname() double.
 */
import {
  type AnyEphemeralPortsError,
  EphemeralPortsError,
  EphemeralPortsRangeError,
  EphemeralPortsTypeError,
  ErrorCodes,
  type RawCapture,
  rawFailure,
} from '@ephemeral-ports/core';
import type { BsdOs } from './sysctl-names.js';
import { sysctlOsError } from './sysctl-errors.js';
import type { SysctlPort } from './sysctl-port.js';

/**
 * Exports of the BSD addon. Functions throw Errors with `code` (errno name or ERR_EPHEMERAL_*), a negative `errno`,
 * `syscall`, `path`; arguments they refuse are TypeError / RangeError with Node's ERR_INVALID_ARG_* / ERR_OUT_OF_RANGE.
 */
export interface BsdSysctlAddon {
  /** `freebsd`, `darwin`, or `emulated` for the test build. */
  readonly kernel: string;
  readInt(name: string): number;
  readInts(names: readonly string[]): number[];
  writeInt(name: string, value: number): void;
}

interface NativeError extends Error {
  code: string;
  errno?: number;
  syscall?: string;
  path?: string;
}

function isNativeError(e: unknown): e is NativeError {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string';
}

/** Converts whatever the addon threw into this project's error classes (same code, errno, syscall and path). */
export function fromNativeError(os: BsdOs, e: unknown): AnyEphemeralPortsError {
  if (!isNativeError(e)) {
    return new EphemeralPortsError(ErrorCodes.COMMAND_FAILED, `the BSD addon failed: ${String(e)}`, { cause: e });
  }
  if (e.code === ErrorCodes.ARG_TYPE || e.code === ErrorCodes.ARG_VALUE) {
    return new EphemeralPortsTypeError(e.code, e.message);
  }
  if (e.code === ErrorCodes.OUT_OF_RANGE) return new EphemeralPortsRangeError(e.message);
  if (e.code.startsWith('ERR_')) {
    return new EphemeralPortsError(e.code, e.message, { ...(e.path ? { path: e.path } : {}), cause: e });
  }
  return sysctlOsError(
    os,
    {
      code: e.code,
      message: e.message,
      ...(typeof e.errno === 'number' ? { errno: e.errno } : {}),
      ...(typeof e.syscall === 'string' ? { syscall: e.syscall } : {}),
      ...(typeof e.path === 'string' ? { path: e.path } : {}),
    },
    e,
  );
}

/** `capture` records every read: the names asked and the integers sysctlbyname() returned (a support bundle). */
export function createAddonSysctlPort(os: BsdOs, addon: BsdSysctlAddon, capture?: RawCapture): SysctlPort {
  const readSync = (names: readonly string[]): number[] => {
    try {
      const values = addon.readInts(names);
      capture?.({ kind: 'call', api: 'sysctlbyname', args: [...names], result: [...values] });
      return values;
    } catch (e) {
      capture?.({ kind: 'call', api: 'sysctlbyname', args: [...names], error: rawFailure(e) });
      throw fromNativeError(os, e);
    }
  };
  return {
    source: 'native:sysctlbyname',
    readSync,
    async read(names) {
      return readSync(names);
    },
    async write(name, value) {
      try {
        addon.writeInt(name, value);
      } catch (e) {
        throw fromNativeError(os, e);
      }
    },
  };
}
