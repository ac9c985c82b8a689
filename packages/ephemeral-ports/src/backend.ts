/**
 * Which backend the facade talks to: the platform's (loaded lazily, once) unless one was injected with
 * {@link useBackend}.
 */
import type { EphemeralPortsBackend } from '@ephemeral-ports/core/model';
import { loadBackend } from './platform-loader.js';

let current: EphemeralPortsBackend | undefined;

/**
 * The backend every facade function uses. Loads the platform's package on first call.
 * Throws `ERR_EPHEMERAL_UNSUPPORTED_PLATFORM` or `ERR_EPHEMERAL_BACKEND_LOAD_FAILED`.
 *
 * @example
 * ```ts
 * import { getBackend } from 'ephemeral-ports/testing';
 * console.log(getBackend().info().implementation); // e.g. "native"
 * ```
 */
export function getBackend(): EphemeralPortsBackend {
  current ??= loadBackend();
  return current;
}

/**
 * Replaces the backend (pass `undefined` to go back to the platform's). Lets applications test code that reads
 * or sets the range against core's memory backend, without touching a kernel.
 *
 * @example
 * ```ts
 * import { createMemoryBackend, useBackend } from 'ephemeral-ports/testing';
 * import { getEphemeralRange } from 'ephemeral-ports';
 * useBackend(createMemoryBackend({ os: 'linux', range: { low: 40000, high: 49999 } }));
 * (await getEphemeralRange()).range; // { low: 40000, high: 49999 }
 * ```
 */
export function useBackend(backend: EphemeralPortsBackend | undefined): void {
  current = backend;
}
