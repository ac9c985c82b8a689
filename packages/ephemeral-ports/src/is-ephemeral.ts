/** {@link isEphemeral}: is a port inside the live ephemeral range? Reads the kernel; never answers from defaults. */
import { EphemeralPortsError, ErrorCodes, assertPort, rangeContains } from '@ephemeral-ports/core';
import { getBackend } from './backend.js';
import { type RangeQueryOptions, checkNetns, checkProtocol, scopeOf } from './options.js';

/**
 * True when `port` lies inside the live ephemeral range (so the kernel may hand it to outgoing connections).
 * Reserved ports are not subtracted; use {@link explainPort} for the full picture.
 *
 * @throws `ERR_INVALID_ARGUMENT`; the OS error when the live range cannot be read.
 * @example
 * ```ts
 * import { isEphemeral } from 'ephemeral-ports';
 * if (await isEphemeral(40000)) console.warn('pick a port outside the ephemeral range');
 * ```
 */
export async function isEphemeral(port: number, options: Omit<RangeQueryOptions, 'family'> = {}): Promise<boolean> {
  assertPort(port);
  const scope = scopeOf(checkProtocol(options.protocol), checkNetns(options.netns));
  const { range } = await getBackend().getRange(scope);
  return rangeContains(range, port);
}

/**
 * Synchronous {@link isEphemeral} (Linux, FreeBSD, macOS).
 *
 * @throws `ERR_EPHEMERAL_UNSUPPORTED_OPERATION` where the backend cannot read synchronously (AIX, Windows).
 * @example
 * ```ts
 * import { isEphemeralSync } from 'ephemeral-ports';
 * isEphemeralSync(8080); // false with the Linux default 32768-60999
 * ```
 */
export function isEphemeralSync(port: number, options: Omit<RangeQueryOptions, 'family'> = {}): boolean {
  assertPort(port);
  const scope = scopeOf(checkProtocol(options.protocol), checkNetns(options.netns));
  const backend = getBackend();
  if (typeof backend.getRangeSync !== 'function') {
    throw new EphemeralPortsError(ErrorCodes.UNSUPPORTED_OPERATION, `the ${backend.os} backend has no synchronous read`);
  }
  return rangeContains(backend.getRangeSync(scope).range, port);
}
