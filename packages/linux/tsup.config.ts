import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  sourcemap: false,
  // native.ts finds the package root from import.meta.url, which the CJS build must shim (every output file sits
  // directly in dist/, so the shim's URL is right wherever the code lands).
  shims: true,
  // Split CommonJS too: the census (about half the code, imported on first use) stays out of dist/index.js.
  splitting: true,
});
