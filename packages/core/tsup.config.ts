import { defineConfig } from 'tsup';
import { lazyUnitEntries } from '../../scripts/bundle/lazy-entry.mjs';

// package.json "build" empties dist/, runs these builds, then writes dist/index.js (scripts/bundle/lazy-entry.mjs).
const common = { target: 'node20', sourcemap: false, clean: false } as const;

export default defineConfig([
  // ESM: one file. Types for both formats come from here (index.d.mts) and the dts-only build below (index.d.ts).
  { ...common, entry: ['src/index.ts'], format: ['esm'], dts: true },
  { ...common, entry: ['src/index.ts'], format: ['cjs'], dts: { only: true } },
  // CommonJS: the modules a backend or a range report needs (hot) and the rest, loaded by the lazy index.
  {
    ...common,
    entry: lazyUnitEntries(['./errors.js', './range.js', './backend.js', './validate.js', './defaults.js']),
    format: ['cjs'],
    splitting: true,
    dts: false,
  },
]);
