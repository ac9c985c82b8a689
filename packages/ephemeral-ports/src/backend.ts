/**
 * Which backend the facade talks to: the platform's (loaded lazily, once) unless one was injected with
 * {@link useBackend}.
 */
import type { EphemeralPortsBackend } from '@ephemeral-ports/core/model';
import { loadBackend } from './platform-loader.js';
import { processState } from './process-state.js';

/** The backend in use, once loaded or injected; one per process (process-state.ts). */
const state = processState('backend', (): { current?: EphemeralPortsBackend; injected: boolean } => ({ injected: false }));

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
  state.current ??= loadBackend();
  return state.current;
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
  state.current = backend;
  state.injected = backend !== undefined;
}

/** The backend if one is loaded or injected, without loading one. */
export function backendIfLoaded(): EphemeralPortsBackend | undefined {
  return state.current;
}

/** Whether {@link useBackend} put a backend in place: then the platform's own readings must not be used. */
export function isBackendInjected(): boolean {
  return state.injected;
}
