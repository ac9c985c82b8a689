import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  sourcemap: false,
  // index.ts finds the package root from import.meta.url, which the CJS build must shim.
  shims: true,
});
