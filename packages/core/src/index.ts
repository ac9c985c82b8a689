/**
 * @ephemeral-ports/core — pure TypeScript, no I/O, no OS specifics: the range model, per-OS rules and defaults as
 * data, the backend contract, RFC 6056 and the Linux allocation model, capacity and diagnostics maths. The parsers
 * of each OS's own formats live in that OS's package. `@ephemeral-ports/core/model` is the part a backend needs;
 * `@ephemeral-ports/core/testing` has the memory backend and the contract suite.
 */
// The model (range, notation, OS rules and defaults, the backend contract, errors), then what builds on it.
export * from './model.js';
export * from './memory-backend.js';
export * from './allocation/index.js';
export * from './diagnostics.js';
export * from './iana.js';
export * from './safety.js';
