/**
 * `ephemeral-ports/testing`: test code that reads or sets the range without touching a kernel. Inject core's
 * memory backend with {@link useBackend}; check a backend of your own against the contract every backend meets
 * with `describeBackendContract` (needs vitest).
 *
 * @example
 * ```ts
 * import { createMemoryBackend, useBackend } from 'ephemeral-ports/testing';
 * import { getEphemeralRange } from 'ephemeral-ports';
 * useBackend(createMemoryBackend({ os: 'linux', range: { low: 40000, high: 49999 } }));
 * (await getEphemeralRange()).range; // { low: 40000, high: 49999 }
 * ```
 */
export { createMemoryBackend, type MemoryBackendOptions } from '@ephemeral-ports/core';
export { getBackend, useBackend } from './backend.js';
