import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const packages = fileURLToPath(new URL('./packages/', import.meta.url));

// Tests import every package, and every subpath of its exports map, from its sources, so no build is needed to run
// them. The convention that makes one rule enough: a package's subpath `x` is built from `src/x.ts`.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@ephemeral-ports\/([a-z0-9-]+)$/, replacement: `${packages}$1/src/index.ts` },
      { find: /^@ephemeral-ports\/([a-z0-9-]+)\/([a-z0-9-]+)$/, replacement: `${packages}$1/src/$2.ts` },
      { find: /^ephemeral-ports$/, replacement: `${packages}ephemeral-ports/src/index.ts` },
      { find: /^ephemeral-ports\/([a-z0-9-]+)$/, replacement: `${packages}ephemeral-ports/src/$1.ts` },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'test/windows/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
