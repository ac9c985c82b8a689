/**
 * Not an export of the package: the modules the backend needs to start, built into one file (dist/hub.js) that the
 * entry and the lazily loaded parts (persistence, census) require, so that loading the backend reads two files of
 * this package, not a chunk per combination of them (scripts/tsup-hub.mjs says why and how).
 */
export * from './backend.js';
export * from './crash-point.js';
export * from './kernel-release.js';
export * from './os-error.js';
export * from './procfs-format.js';
export * from './procfs-io.js';
export * from './remedy.js';
