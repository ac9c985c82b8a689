/**
 * A CommonJS entry that loads only what a program uses (issue 4: cold start).
 *
 * A package's `src/index.ts` only re-exports (`export … from './x.js'`). Its local modules form two units: the
 * few that nearly every program uses (named in the package's tsup config) and the rest. tsup builds them as split
 * CommonJS: the first becomes `dist/index.js` itself, the others `dist/rest.js`, with the code both use in one
 * chunk (so every class exists once). This script then appends to `dist/index.js` a getter for every name of
 * `rest.js`, which requires it on first read, and the names of re-exported packages (`export * from '@scope/x'`),
 * copied as that package's own (lazy) property descriptors. Why so few files: Node's loader costs ~0.3 ms per
 * file here, and every extra unit would split the shared code into more chunks.
 *
 * The public names are those of the ESM build (`dist/index.mjs`), so both formats export exactly the same set;
 * the build fails if a name has no unit, or two units export different values under one name. Local modules win
 * over a re-exported package, as in ES module semantics.
 *
 *   import { lazyUnitEntries } from '../../scripts/bundle/lazy-entry.mjs';   // in tsup.config.ts
 *   node ../../scripts/bundle/lazy-entry.mjs                                  // in the package, after tsup
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The two units' output names: `index` (hot) and `rest`. */
export const UNITS = ['index', 'rest'];
/** Where the appended part of dist/index.js starts (a rerun replaces it). */
const MARK = '// --- lazy-entry.mjs: the rest and re-exported packages, loaded on first use ---';

/**
 * Names Node adds to the ESM namespace of a CommonJS module (`default`, `__esModule`, and since Node 23
 * `module.exports`); the ESM build re-exports core's CommonJS entry, so they show up there, but they are not ours.
 */
export const INTEROP_NAMES = new Set(['default', '__esModule', 'module.exports']);

/** `export … from '…'` statements of `index.ts` that carry values (`export type …` carries none), with specifiers. */
export function reExports(indexTs) {
  const source = readFileSync(indexTs, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
  return [...source.matchAll(/^export\s+(?!type\b)[^;]*?\bfrom\s+['"]([^'"]+)['"];?/gm)].map((m) => ({
    statement: m[0],
    spec: m[1],
  }));
}

/**
 * tsup `entry` for the units: `{ index, rest }`, two generated files (in a temporary folder) that repeat index.ts's
 * re-exports of local modules with absolute paths, split by `hot` (specifiers as written in index.ts).
 */
export function lazyUnitEntries(hot, indexTs = 'src/index.ts') {
  const local = reExports(indexTs).filter((e) => e.spec.startsWith('.'));
  const unknown = hot.filter((spec) => !local.some((e) => e.spec === spec));
  if (unknown.length > 0) throw new Error(`${indexTs} re-exports nothing from ${unknown.join(', ')}`);
  const dir = mkdtempSync(join(tmpdir(), 'lazy-entry-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const entries = {};
  for (const unit of UNITS) {
    const lines = local
      .filter((e) => hot.includes(e.spec) === (unit === 'index'))
      .map((e) => e.statement.replace(e.spec, resolve(indexTs, '..', e.spec.replace(/\.js$/, '.ts'))));
    entries[unit] = join(dir, `${unit}.ts`);
    writeFileSync(entries[unit], `${lines.join('\n')}\nexport {};\n`);
  }
  return entries;
}

/**
 * The owning unit of every public name: `Map<requirePath, names[]>` with `./index.js` (the hot unit, before
 * anything is appended), `./rest.js`, then each re-exported package.
 */
export async function assignNames(packageDir) {
  const publicNames = Object.keys(await import(pathToFileURL(join(packageDir, 'dist/index.mjs')).href)).filter(
    (name) => !INTEROP_NAMES.has(name),
  );
  const require = createRequire(join(packageDir, 'dist/index.js'));
  const external = reExports(join(packageDir, 'src/index.ts')).filter((e) => !e.spec.startsWith('.'));
  const units = [
    ...UNITS.map((unit) => ({ path: `./${unit}.js`, local: true })),
    ...[...new Set(external.map((e) => e.spec))].map((spec) => ({ path: spec, local: false })),
  ].map((u) => ({ ...u, exports: require(u.path) }));
  const owners = new Map(units.map((u) => [u.path, []]));
  for (const name of publicNames) {
    const local = units.filter((u) => u.local && Object.hasOwn(u.exports, name));
    if (new Set(local.map((u) => u.exports[name])).size > 1) {
      throw new Error(`${name} is exported with different values by ${local.map((u) => u.path).join(' and ')}`);
    }
    const owner = local[0] ?? units.find((u) => !u.local && Object.hasOwn(u.exports, name));
    if (!owner) throw new Error(`no unit of src/index.ts exports ${name}`);
    owners.get(owner.path).push(name);
  }
  // A re-exported package's names are copied wholesale at run time: it must have no public name we lack.
  for (const u of units.filter((unit) => !unit.local)) {
    const extra = Object.keys(u.exports).filter((k) => !INTEROP_NAMES.has(k) && !publicNames.includes(k));
    if (extra.length > 0) throw new Error(`${u.path} exports ${extra.join(', ')}, which the ESM build does not`);
  }
  return owners;
}

/** What is appended to the hot unit's dist/index.js. */
export function renderAppendix(owners) {
  const lines = [
    MARK,
    '// Generated by scripts/bundle/lazy-entry.mjs; do not edit. A getter replaces itself by the plain value on',
    '// first read (on `this`, so that a package re-exporting ours by descriptor gets the value too).',
    'function lazy(path, names) {',
    '  let mod;',
    '  for (const name of names) {',
    '    Object.defineProperty(exports, name, {',
    '      enumerable: true,',
    '      configurable: true,',
    '      get() {',
    '        const value = (mod ??= require(path))[name];',
    '        Object.defineProperty(this, name, { value, enumerable: true });',
    '        return value;',
    '      },',
    '    });',
    '  }',
    '}',
    '// A re-exported package: its properties (lazy getters or values) minus the names defined here.',
    'function reExport(mod) {',
    '  const descriptors = Object.getOwnPropertyDescriptors(mod);',
    '  for (const name of Object.keys(descriptors)) if (Object.hasOwn(exports, name)) delete descriptors[name];',
    '  Object.defineProperties(exports, descriptors);',
    '}',
  ];
  for (const [path, names] of owners) {
    if (path === './index.js' || names.length === 0) continue;
    lines.push(path.startsWith('.') ? `lazy(${JSON.stringify(path)}, ${JSON.stringify(names)});` : `reExport(require(${JSON.stringify(path)}));`);
  }
  // Never runs; Node's cjs-module-lexer reads the names from it, so `import { name } from` works in ESM.
  lines.push(`0 && (module.exports = { ${[...owners.values()].flat().join(', ')} });`);
  return `${lines.join('\n')}\n`;
}

/** Appends the lazy part to the hot unit's `dist/index.js` (replacing one appended before). */
export async function writeEntry(packageDir) {
  const file = join(packageDir, 'dist/index.js');
  const owners = await assignNames(packageDir);
  const hot = readFileSync(file, 'utf8').split(MARK)[0].trimEnd();
  writeFileSync(file, `${hot}\n\n${renderAppendix(owners)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await writeEntry(process.cwd());
}
