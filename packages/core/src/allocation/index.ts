/** Allocation logic: planning user-space ports, RFC 6056 and kernel port-selection models, capacity math. */
export * from './prng.js';
export * from './permutation.js';
export * from './planning.js';
