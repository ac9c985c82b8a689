import { defineConfig } from 'tsup';

// package.json empties dist/ before these two builds run side by side.
const common = { entry: ['src/index.ts'], dts: true, clean: false, target: 'node20', sourcemap: false } as const;

export default defineConfig([
  { ...common, format: ['esm'] },
  {
    ...common,
    format: ['cjs'],
    // Split CommonJS too: the census (about half the code, imported on first use) stays out of dist/index.js.
    splitting: true,
    // native.ts takes __filename in CommonJS; its import.meta branch is dead there, and split CommonJS would keep
    // it verbatim, which does not parse.
    esbuildOptions(options) {
      options.define = { ...options.define, 'import.meta.url': 'undefined' };
    },
  },
]);
