import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests import every package from its sources, so no build is needed to run them.
export default defineConfig({
  resolve: {
    alias: {
      '@ephemeral-ports/core': src('core'),
      '@ephemeral-ports/linux': src('linux'),
      '@ephemeral-ports/freebsd': src('freebsd'),
      '@ephemeral-ports/darwin': src('darwin'),
      '@ephemeral-ports/aix': src('aix'),
      '@ephemeral-ports/win32': src('win32'),
      'ephemeral-ports': src('ephemeral-ports'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'test/windows/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
