/**
 * The CLI entry (dist/cli.js, run by bin/ephemeral-ports.js): main.ts and what its commands share, built into that
 * one file, which each command (loaded on demand) requires (scripts/tsup-hub.mjs says why and how).
 */
export * from './main.js';
export * from './args.js';
export * from './command.js';
export * from './commands/index.js';
export * from './exit.js';
export * from './fd-writer.js';
export * from './output.js';
export * from './suggest.js';
export * from './terminal.js';
