import { defineConfig } from 'tsup';

export default defineConfig([
  // The library: ESM + CJS with types. Core and the OS backends stay external (dependencies). Split so that
  // lazily imported parts (free-port) live in their own files and cost nothing until used.
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    splitting: true,
    dts: true,
    clean: false, // both configs write into dist; package.json "build" empties it first
    target: 'node20',
    shims: true,
    sourcemap: false,
  },
  // The CLI: CommonJS for bin/ephemeral-ports.js, one chunk per command so a run loads only its own.
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['cjs'],
    splitting: true,
    dts: false,
    clean: false,
    target: 'node20',
    shims: true,
    sourcemap: false,
  },
]);
