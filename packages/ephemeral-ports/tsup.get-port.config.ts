import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';
import { PORT_FACTS_MODULES } from './src/platform-table.ts';

// The `import` build of `ephemeral-ports/get-port` (dist/get-port.node.mjs): one compacted ES module holding the
// get-port entry, the free-port code it runs, what it uses of core's model and the OS packages' port-facts modules,
// so that a first `getPort()` reads and compiles one file where the CommonJS build loads eight, and no backend
// (docs/ARCHITECTURE.md). Built after tsup.config.ts, whose build cleans dist/. Core's full entry (allocation
// planning, rarely needed) and the backends stay packages loaded by name.
const PACKAGES = fileURLToPath(new URL('..', import.meta.url));
const FACTS = [...new Set(Object.values(PORT_FACTS_MODULES))];
const BUILT_IN = new Set(['@ephemeral-ports/core/model', ...FACTS]);

export default defineConfig({
  entry: { 'get-port.node': 'src/get-port.ts' },
  format: ['esm'],
  outExtension: () => ({ js: '.mjs' }),
  platform: 'node',
  target: 'node20',
  splitting: false,
  clean: false,
  dts: false,
  // Whitespace and syntax only: names stay, so errors and stacks show the classes and functions they come from.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: true,
  noExternal: [...BUILT_IN, 'siphash'],
  esbuildPlugins: [
    {
      name: 'built-in-port-facts',
      setup(build) {
        // src/free-port/built-in-port-facts.ts, with every port-facts module imported.
        build.onLoad({ filter: /[\\/]free-port[\\/]built-in-port-facts\.ts$/ }, () => ({
          loader: 'ts',
          contents:
            FACTS.map((id, i) => `import * as facts${i} from '${id}';\n`).join('') +
            `export const BUILT_IN_PORT_FACTS = Object.freeze({ ${FACTS.map((id, i) => `'${id}': facts${i}`).join(', ')} });\n`,
        }));
        // Built in from their TypeScript sources (`@ephemeral-ports/<package>/<subpath>` is src/<subpath>.ts), so
        // that only what is used is kept.
        build.onResolve({ filter: /^@ephemeral-ports\// }, ({ path }) => {
          if (!BUILT_IN.has(path)) return undefined;
          const [pkg, subpath, ...more] = path.slice('@ephemeral-ports/'.length).split('/');
          if (subpath === undefined || more.length) throw new Error(`${path}: a built-in module is a package's subpath`);
          return { path: `${PACKAGES}${pkg}/src/${subpath}.ts` };
        });
      },
    },
  ],
});
