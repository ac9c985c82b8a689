/**
 * `ephemeral-ports/testing`: test code that reads or sets the range without touching a kernel. Inject core's
 * memory backend with {@link useBackend}; check a backend of your own against the contract every backend meets
 * with `describeBackendContract(title, setup, runner)`, passing your runner's functions (`import * as vitest from
 * 'vitest'`).
 *
 * @example
 * ```ts
 * import { createMemoryBackend, useBackend } from 'ephemeral-ports/testing';
 * import { getEphemeralRange } from 'ephemeral-ports';
 * useBackend(createMemoryBackend({ os: 'linux', range: { low: 40000, high: 49999 } }));
 * (await getEphemeralRange()).range; // { low: 40000, high: 49999 }
 * ```
 */
export {
  BAD_RANGE_INPUTS,
  type ContractSubject,
  createMemoryBackend,
  describeBackendContract,
  type MemoryBackendOptions,
  type TestRunner,
} from '@ephemeral-ports/core/testing';
export { getBackend, useBackend } from './backend.js';
