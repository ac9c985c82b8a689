/**
 * `@ephemeral-ports/core/testing`: the in-memory backend, and the contract suite every backend runs (it needs
 * vitest, an optional peer dependency, which is why it has its own entry).
 */
export { createMemoryBackend, type MemoryBackendOptions } from './memory-backend.js';
export { BAD_RANGE_INPUTS, type ContractSubject, type TestRunner, describeBackendContract } from './contract-suite.js';
