/** Allocation logic: planning user-space ports, RFC 6056 and kernel port-selection models, capacity math. */
export * from './prng.js';
export * from './permutation.js';
export * from './planning.js';
export * from './hashing.js';
export type { InUsePredicate, PortSelector, SelectorOptions } from './selector.js';
export * from './rfc6056.js';
export * from './port-table.js';
export * from './linux-model.js';
export * from './freebsd-model.js';
// capacity.ts is exported by the diagnostics hub (src/diagnostics.ts), which the usage reports load without the models.
