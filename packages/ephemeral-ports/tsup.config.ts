import { defineConfig } from 'tsup';

// Three builds write into dist/ (package.json "build" empties it first). Core and the OS backends stay external.
const common = { target: 'node20', shims: true, sourcemap: false, clean: false } as const;

export default defineConfig([
  // The library, ESM: split so that lazily imported parts (free-port) sit in their own files until used.
  { ...common, entry: { index: 'src/index.ts' }, format: ['esm'], splitting: true, dts: true },
  // The library, CJS: one file; esbuild wraps lazily imported modules in on-demand initializers. (tsup's split
  // CJS would turn `export *` from core plus our own `explainPort` into a getter clash.)
  // No shims here: platforms.ts uses __filename in CommonJS, and the import.meta shim's URL work costs cold start.
  {
    ...common,
    entry: { index: 'src/index.ts' },
    format: ['cjs'],
    splitting: false,
    dts: true,
    shims: false,
    // The import.meta branch in platforms.ts is dead in CommonJS (it is taken only when __filename is missing).
    esbuildOptions(options) {
      options.logOverride = { 'empty-import-meta': 'silent' };
    },
  },
  // The CLI: CommonJS for bin/ephemeral-ports.js, one chunk per command so a run loads only its own.
  { ...common, entry: { cli: 'src/cli/main.ts' }, format: ['cjs'], splitting: true, dts: false },
]);
