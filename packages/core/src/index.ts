/**
 * @ephemeral-ports/core — pure TypeScript, no I/O: the range model, per-OS validation and defaults, parsers of
 * every OS's native formats, the backend contract, and allocation logic.
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
