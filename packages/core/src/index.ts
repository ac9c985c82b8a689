/**
 * @ephemeral-ports/core — pure TypeScript, no I/O, no OS specifics: the range model, per-OS rules and defaults as
 * data, the backend contract, RFC 6056 and the Linux allocation model, capacity and diagnostics maths. The parsers
 * of each OS's own formats live in that OS's package. `@ephemeral-ports/core/model` is the part a backend needs;
 * `@ephemeral-ports/core/testing` has the memory backend and the contract suite.
 */
export * from './errors.js';
export * from './range.js';
export * from './platform.js';
export * from './backend.js';
export * from './sockets.js';
export * from './validate.js';
export * from './memory-backend.js';
export * from './text-diff.js';
export * from './allocation/index.js';
export * from './diagnostics/index.js';
export * from './defaults.js';
export * from './notation.js';
export * from './iana.js';
export * from './safety.js';
