/**
 * The built CommonJS entries of core and the facade are lazy (scripts/bundle/lazy-entry.mjs, issue 4 cold start):
 * they export exactly the ESM build's names, every name resolves to the one shared value, ESM `import { name }`
 * still works through Node's CommonJS lexer, and a require() loads only what the program then touches.
 * Runs against dist/ (npm test builds first), in fresh Node processes so that require.cache starts empty.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INTEROP_NAMES, assignNames, lazyUnitEntries, renderEntry } from '../../scripts/bundle/lazy-entry.mjs';
import { ROOT_DIR } from '../helpers/netns.js';

const JSON_INTEROP = JSON.stringify([...INTEROP_NAMES]);
const PACKAGES = { core: '@ephemeral-ports/core', 'ephemeral-ports': 'ephemeral-ports' } as const;

function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: ROOT_DIR, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
}
const json = <T>(script: string, type: 'commonjs' | 'module' = 'commonjs'): T =>
  JSON.parse(node(type === 'module' ? ['--input-type=module', '-e', script] : ['-e', script])) as T;

/** Files under packages/ that this process has loaded, relative to packages/. */
const LOADED = `Object.keys(require.cache).filter((f) => f.includes('/packages/')).map((f) => f.slice(f.indexOf('/packages/') + 10))`;

describe.each(Object.entries(PACKAGES))('lazy CommonJS entry of %s', (dir, name) => {
  it('exports exactly the names of the ESM build, each defined', () => {
    const esm = json<string[]>(
      `const ns = await import(${JSON.stringify(join(ROOT_DIR, 'packages', dir, 'dist/index.mjs'))});` +
        `console.log(JSON.stringify(Object.keys(ns).filter((k) => !${JSON_INTEROP}.includes(k)).sort()))`,
      'module',
    );
    const cjs = json<{ names: string[]; undefinedNames: string[] }>(
      `const m = require(${JSON.stringify(name)}); const names = Object.keys(m).sort();` +
        `console.log(JSON.stringify({ names, undefinedNames: names.filter((k) => m[k] === undefined) }))`,
    );
    expect(esm.length).toBeGreaterThan(20);
    expect(cjs.names).toEqual(esm);
    expect(cjs.undefinedNames).toEqual([]);
  });

  it('gives ESM importers every name as a named export (cjs-module-lexer reads the annotation)', () => {
    const out = json<{ named: string[]; all: string[] }>(
      `import * as ns from ${JSON.stringify(name)}; import { createRequire } from 'node:module';` +
        `const all = Object.keys(createRequire(process.cwd() + '/')(${JSON.stringify(name)})).sort();` +
        `console.log(JSON.stringify({ named: Object.keys(ns).filter((k) => !${JSON_INTEROP}.includes(k)).sort(), all }))`,
      'module',
    );
    expect(out.named).toEqual(out.all);
  });

  it('loads nothing but the entry file on require()', () => {
    expect(json<string[]>(`require(${JSON.stringify(name)}); console.log(JSON.stringify(${LOADED}))`)).toEqual([
      `${dir}/dist/index.js`,
    ]);
  });
});

describe('what a program loads (facade)', () => {
  it.runIf(process.platform === 'linux')(
    'getEphemeralRange() loads the Linux backend and its addon and the hot units, never the rest (Linux only)',
    () => {
      const loaded = json<string[]>(
        `require('ephemeral-ports').getEphemeralRange().then(() => console.log(JSON.stringify(${LOADED})))`,
      );
      expect(loaded).toContain('linux/dist/index.js');
      expect(loaded.some((f) => f.endsWith('.node'))).toBe(true);
      expect(loaded).toEqual(expect.arrayContaining(['core/dist/hot.js', 'ephemeral-ports/dist/hot.js']));
      expect(loaded.filter((f) => f.endsWith('/rest.js'))).toEqual([]);
    },
  );

  it('every unit shares one copy of core: errors thrown anywhere are instances of the exported class', () => {
    const out = json<{ same: boolean; instance: boolean; code: string }>(`
      const ep = require('ephemeral-ports');
      const core = require('@ephemeral-ports/core');
      const backend = core.createMemoryBackend({ os: 'linux' });
      ep.useBackend(backend);
      ep.setEphemeralRange({ low: 5, high: 1 }).catch((error) => console.log(JSON.stringify({
        same: ep.EphemeralPortsError === core.EphemeralPortsError && ep.PortSet === core.PortSet,
        instance: error instanceof ep.EphemeralPortsError,
        code: error.code,
      })));`);
    expect(out).toEqual({ same: true, instance: true, code: 'ERR_INVALID_RANGE' });
  });
});

describe('what the CLI loads', () => {
  // Prints, at exit, the builtin modules Node loaded that a short command does not need.
  const preload = join(mkdtempSync(join(tmpdir(), 'cli-modules-')), 'modules.cjs');
  writeFileSync(
    preload,
    "process.on('exit', () => require('node:fs').writeSync(2, '\\nMODULES ' + JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (net|stream|tty|internal\\/streams\\/(readable|writable|duplex))$/.test(m)))));",
  );
  afterAll(() => rmSync(join(preload, '..'), { recursive: true, force: true }));

  it.each([['get', '--json'], ['get']])('`ephemeral-ports %s %s` into a pipe writes through fd 1, no stream or net module', (...args) => {
    const env = { PATH: process.env.PATH, EPHEMERAL_PORTS_BACKEND: join(ROOT_DIR, 'test/cli/fixtures/memory-backend.cjs') };
    const result = spawnSync(process.execPath, ['-r', preload, join(ROOT_DIR, 'packages/ephemeral-ports/bin/ephemeral-ports.js'), ...args], {
      cwd: ROOT_DIR,
      env,
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\d+/);
    if (args.includes('--json')) expect(JSON.parse(result.stdout)).toHaveProperty('range');
    expect(JSON.parse(/MODULES (.*)$/.exec(result.stderr)![1]!)).toEqual([]);
  });
});

describe('the generator refuses an ambiguous or incomplete entry', () => {
  const root = mkdtempSync(join(tmpdir(), 'lazy-entry-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function fakePackage(files: Record<string, string>): string {
    const dir = mkdtempSync(join(root, 'pkg-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  }
  const index = "export * from './a.js';\nexport { y } from './b.js';\nexport type { T } from './types.js';\n";
  /** A package after tsup: index.ts above, the ESM build's names, and the two CommonJS units. */
  const built = (mjs: string, hot: string, rest: string) =>
    fakePackage({ 'src/index.ts': index, 'dist/index.mjs': mjs, 'dist/hot.js': hot, 'dist/rest.js': rest });

  it('splits index.ts re-exports into hot and rest entries with absolute paths', () => {
    const dir = fakePackage({ 'src/index.ts': index });
    const entries = lazyUnitEntries(['./b.js'], join(dir, 'src/index.ts'));
    expect(readFileSync(entries.hot, 'utf8')).toContain(`export { y } from '${join(dir, 'src/b.ts')}'`);
    expect(readFileSync(entries.rest, 'utf8')).toContain(`export * from '${join(dir, 'src/a.ts')}'`);
    expect(readFileSync(entries.rest, 'utf8')).not.toContain('types');
    expect(() => lazyUnitEntries(['./c.js'], join(dir, 'src/index.ts'))).toThrow('re-exports nothing from ./c.js');
  });

  it('maps each name to its unit and renders an entry that loads it on first access', async () => {
    const dir = built('export const x = 1, y = 2;', 'exports.y = 2;', 'exports.x = 1; exports.internal = 3;');
    const owners = await assignNames(dir);
    expect([...owners]).toEqual([
      ['./hot.js', ['y']],
      ['./rest.js', ['x']],
    ]);
    writeFileSync(join(dir, 'dist/index.js'), renderEntry(owners));
    writeFileSync(join(dir, 'dist/rest.js'), 'globalThis.loadedRest = true; exports.x = 1;');
    const out = json<{ before: boolean; x: number; after: boolean; keys: string[] }>(`
      const m = require(${JSON.stringify(join(dir, 'dist/index.js'))});
      const before = globalThis.loadedRest === true;
      const x = m.x;
      console.log(JSON.stringify({ before, x, after: globalThis.loadedRest === true, keys: Object.keys(m) }));`);
    expect(out).toEqual({ before: false, x: 1, after: true, keys: ['y', 'x'] });
  });

  it('fails when both units export different values under one name', async () => {
    const dir = built('export const x = 1;', 'exports.x = 1;', 'exports.x = 2;');
    await expect(assignNames(dir)).rejects.toThrow('x is exported with different values by ./hot.js and ./rest.js');
  });

  it('fails when a public name has no unit', async () => {
    const dir = built('export const x = 1, z = 3;', 'exports.y = 2;', 'exports.x = 1;');
    await expect(assignNames(dir)).rejects.toThrow('no unit of src/index.ts exports z');
  });
});
