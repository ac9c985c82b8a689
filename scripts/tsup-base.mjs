/**
 * The one tsup configuration every package builds with: CommonJS (`dist/*.js`) and ESM (`dist/*.mjs`) from the
 * same entries, with types for both (`.d.ts`, `.d.mts`), code shared by several entries in chunks so each class
 * exists once per format, and every other package external (resolved by name at run time, so an app holds one copy
 * of core however it reaches it).
 *
 *   import { packageConfig } from '../../scripts/tsup-base.mjs';
 *   export default packageConfig({ index: 'src/index.ts', testing: 'src/testing.ts' });
 */
import { defineConfig } from 'tsup';
import { hubPlugin } from './tsup-hub.mjs';

/**
 * @param {Record<string, string>} entry  output name → source file
 * @param {{ shims?: boolean, hubs?: string[], extra?: import('tsup').Options[] }} [options]
 *   hubs: entries that each hold, in one file, what start-up needs of a part of the package; every other file of
 *   the package requires them rather than bundle a copy or load a chunk (see tsup-hub.mjs).
 *   shims: provide `import.meta.url` in the CommonJS build (for code that finds files beside itself). Without it,
 *   code must prefer `__filename` (`__dirname`) when it is defined: `import.meta.url` (`.dirname`) is then
 *   `undefined` in CommonJS, which keeps the shim's extra chunk out of the cold start.
 */
export function packageConfig(entry, { shims = false, hubs = [], extra = [] } = {}) {
  return defineConfig([
    {
      entry,
      format: ['cjs', 'esm'],
      dts: true,
      splitting: true,
      clean: true,
      target: 'node20',
      sourcemap: false,
      shims,
      esbuildPlugins: hubs.map((hub) => hubPlugin(hub, entry[hub])),
      esbuildOptions(options, context) {
        if (context.format === 'cjs' && !shims) {
          options.define = { ...options.define, 'import.meta.url': 'undefined', 'import.meta.dirname': 'undefined' };
        }
      },
    },
    ...extra,
  ]);
}
