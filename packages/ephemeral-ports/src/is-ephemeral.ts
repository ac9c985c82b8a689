/** {@link isEphemeral}: is a port inside the live ephemeral range? Reads the kernel; never answers from defaults. */
import { EphemeralPortsError, ErrorCodes, assertPort, checkNetnsPath, rangeContains } from '@ephemeral-ports/core/model';
import { getBackend } from './backend.js';
import { type RangeQueryOptions, checkOptions, checkProtocol, scopeOf } from './options.js';

/**
 * True when `port` lies inside the live ephemeral range (so the kernel may hand it to outgoing connections).
 * Reserved ports are not subtracted; use {@link explainPort} for the full picture.
 *
 * @throws `ERR_INVALID_ARG_TYPE` / `ERR_OUT_OF_RANGE` for a bad port, `ERR_INVALID_ARG_VALUE` for bad options; the OS error when the live range cannot be read.
 * @example
 * ```ts
 * import { isEphemeral } from 'ephemeral-ports';
 * if (await isEphemeral(40000)) console.warn('pick a port outside the ephemeral range');
 * ```
 */
export async function isEphemeral(port: number, options?: Omit<RangeQueryOptions, 'family'>): Promise<boolean> {
  const scope = checkedScope(port, options);
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
export function isEphemeralSync(port: number, options?: Omit<RangeQueryOptions, 'family'>): boolean {
  const scope = checkedScope(port, options);
  const backend = getBackend();
  if (typeof backend.getRangeSync !== 'function') {
    throw new EphemeralPortsError(ErrorCodes.UNSUPPORTED_OPERATION, `the ${backend.os} backend has no synchronous read`);
  }
  return rangeContains(backend.getRangeSync(scope).range, port);
}

function checkedScope(port: number, given: Omit<RangeQueryOptions, 'family'> | undefined) {
  assertPort(port);
  const options = checkOptions(given);
  return scopeOf(checkProtocol(options.protocol), checkNetnsPath(options.netns));
}
