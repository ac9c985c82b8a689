/**
 * Not an export of the package: what bin/ephemeral-ports.js runs before the CLI loads, in one file (dist/boot.js)
 * that loads without core (scripts/tsup-hub.mjs says how hubs work).
 */
export * from './cli/early-census.js';
