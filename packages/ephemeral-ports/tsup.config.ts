import { defineConfig } from 'tsup';
import { lazyUnitEntries } from '../../scripts/bundle/lazy-entry.mjs';

// Four builds write into dist/; package.json "build" empties it first, and then writes dist/index.js, the lazy
// CommonJS entry (scripts/bundle/lazy-entry.mjs). Core and the OS backends stay external.
const common = { target: 'node20', shims: true, sourcemap: false, clean: false } as const;

export default defineConfig([
  // The library, ESM: split so that lazily imported parts (free-port) sit in their own files until used.
  { ...common, entry: { index: 'src/index.ts' }, format: ['esm'], splitting: true, dts: true },
  { ...common, entry: { index: 'src/index.ts' }, format: ['cjs'], dts: { only: true } },
  // The library, CommonJS: what reading the range needs (hot) and the rest, loaded by the lazy entry on first use.
  // No shims: platforms.ts uses __filename in CommonJS, and the import.meta shim's URL work costs cold start.
  {
    ...common,
    entry: lazyUnitEntries(['./backend.js', './platforms.js', './range-report.js', './is-ephemeral.js']),
    format: ['cjs'],
    splitting: true,
    dts: false,
    shims: false,
    // The import.meta branch in platforms.ts is dead in CommonJS (taken only when __filename is missing), and
    // split CommonJS would keep it verbatim, which does not parse.
    esbuildOptions(options) {
      options.define = { ...options.define, 'import.meta.url': 'undefined' };
    },
  },
  // The CLI: CommonJS for bin/ephemeral-ports.js, one chunk per command so a run loads only its own.
  { ...common, entry: { cli: 'src/cli/main.ts' }, format: ['cjs'], splitting: true, dts: false },
]);
