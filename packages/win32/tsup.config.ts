import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  sourcemap: false,
  // native.ts finds the package root through import.meta.url; shims make that work in the CJS build too.
  shims: true,
});
