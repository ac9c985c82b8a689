/**
 * A hub entry for tsup-base.mjs: one output file holding the modules that start-up needs, shared by every other
 * entry and lazy chunk of the package.
 *
 * esbuild splits code shared by several entries into chunks by which entries use each part, so the code a cold
 * start runs ends up spread over many small files, and every file costs Node a resolution, a read and a compile.
 * Here the hub's source re-exports its members (`export * from './x.js'` lines); esbuild bundles the members into
 * the hub's one output file, and any other file of the package that imports a member (or the hub) gets
 * `require('./<hub>.js')` (`import` from `./<hub>.mjs` in ESM) instead of its own copy or a chunk. Each class and
 * each piece of module state still exists once per format. The import goes through a module naming every export
 * of the hub, so that `export * from` the hub still gives Node's ESM loader the names of a CommonJS output.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildSync } from 'esbuild';

/** `./x.js` as written in TypeScript source → the `.ts` file it names (or the path itself). */
function sourceFile(dir, specifier) {
  const path = resolve(dir, specifier);
  const ts = path.replace(/\.js$/, '.ts');
  return existsSync(ts) ? ts : path;
}

/** The runtime export names of the hub, from a quick bundle of it. */
function exportNames(hub) {
  const { metafile } = buildSync({ entryPoints: [hub], bundle: true, format: 'esm', platform: 'node', packages: 'external', write: false, metafile: true, logLevel: 'error', outdir: '/' });
  return Object.values(metafile.outputs)[0].exports;
}

/**
 * @param {string} hubName  the entry name (its output is `<hubName>.js` / `.mjs`, beside every other output)
 * @param {string} hubSource  path of its source, made of `export * from './member.js'` lines
 * @returns {import('esbuild').Plugin}
 */
export function hubPlugin(hubName, hubSource) {
  const hub = resolve(hubSource);
  const members = new Set(
    [...readFileSync(hub, 'utf8').matchAll(/^export \* from '(\.[^']+)';$/gm)].map((m) => sourceFile(dirname(hub), m[1])),
  );
  if (members.size === 0) throw new Error(`${hubSource}: a hub re-exports its members with export * lines`);
  const inHub = (file) => file === hub || members.has(file);
  // Namespace and specifier of this hub's proxies: one per hub, as every hub's plugin sees every module.
  const PROXY = `hub-proxy-${hubName}`;
  const proxy = `export { ${exportNames(hub).join(', ')} } from '${PROXY}';\n`;
  return {
    name: 'hub',
    setup(build) {
      // tsup builds CommonJS as ESM and converts it after, so the output extension, not the format, tells them apart.
      const extension = build.initialOptions.outExtension?.['.js'] ?? '.js';
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.kind === 'entry-point' || inHub(args.importer)) return undefined;
        if (!inHub(sourceFile(args.resolveDir, args.path))) return undefined;
        // A dynamic import gets the hub's whole namespace at run time: no names needed, and no proxy to make a chunk of.
        if (args.kind === 'dynamic-import') return { path: `./${hubName}${extension}`, external: true };
        // One proxy per importer, so that it is bundled into the importer's own file, not into a chunk of its own.
        return { path: `${hub}?from=${args.importer}`, namespace: PROXY };
      });
      build.onLoad({ filter: /.*/, namespace: PROXY }, () => ({ contents: proxy, loader: 'js' }));
      build.onResolve({ filter: new RegExp(`^${PROXY}$`) }, () => ({ path: `./${hubName}${extension}`, external: true }));
    },
  };
}
