/**
 * Not an export of the package: the modules a range read and every other entry share, built into one file
 * (dist/hub.js) that every other output file requires, so that `require('ephemeral-ports')` loads two files of this
 * package and not a chunk per combination of entries (scripts/tsup-hub.mjs says why and how).
 */
export * from './backend.js';
export * from './platform-loader.js';
export * from './platform-table.js';
export * from './options.js';
export * from './os-defaults.js';
export * from './range-report.js';
export * from './is-ephemeral.js';
export * from './free-port/registry.js';
export * from './free-port/from-core.js';
export * from './free-port/port-numbers.js';
