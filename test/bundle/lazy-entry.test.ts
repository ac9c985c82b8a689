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
import { INTEROP_NAMES, assignNames, lazyUnitEntries, writeEntry } from '../../scripts/bundle/lazy-entry.mjs';
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

  it('require() loads the entry (the hot unit) and code it shares, never the rest unit or a backend', () => {
    const loaded = json<string[]>(`require(${JSON.stringify(name)}); console.log(JSON.stringify(${LOADED}))`);
    expect(loaded[0]).toBe(`${dir}/dist/index.js`);
    expect(loaded.filter((f) => !/^(core|ephemeral-ports)\/dist\/(index|chunk-\w+)\.js$/.test(f))).toEqual([]);
  });
});

describe('what a program loads (facade)', () => {
  it.runIf(process.platform === 'linux')(
    'getEphemeralRange() loads the Linux backend, its addon and the entries, never a rest unit (Linux only)',
    () => {
      const loaded = json<string[]>(
        `require('ephemeral-ports').getEphemeralRange().then(() => console.log(JSON.stringify(${LOADED})))`,
      );
      expect(loaded).toContain('linux/dist/index.js');
      expect(loaded.some((f) => f.endsWith('.node'))).toBe(true);
      expect(loaded).toEqual(expect.arrayContaining(['core/dist/index.js', 'ephemeral-ports/dist/index.js']));
      expect(loaded.filter((f) => f.endsWith('/rest.js'))).toEqual([]);
    },
  );

  it('every unit shares one copy of core: errors thrown anywhere are instances of the exported class', () => {
    const out = json<{ same: boolean; instance: boolean; code: string }>(`
      const ep = require('ephemeral-ports');
      const core = require('@ephemeral-ports/core');
      const backend = ep.createMemoryBackend({ os: 'linux' });
      ep.useBackend(backend);
      ep.setEphemeralRange({ low: 5, high: 1 }).catch((error) => console.log(JSON.stringify({
        // a hot name of core, and rest names read first through the facade, then through core
        same: ep.EphemeralPortsError === core.EphemeralPortsError && ep.Rfc6056Algorithm1 === core.Rfc6056Algorithm1
          && ep.createMemoryBackend === core.createMemoryBackend && Object.getOwnPropertyDescriptor(ep, 'PortTable').get !== undefined
          && ep.PortTable === core.PortTable && Object.getOwnPropertyDescriptor(ep, 'PortTable').value === core.PortTable,
        instance: error instanceof ep.EphemeralPortsError,
        code: error.code,
      })));`);
    expect(out).toEqual({ same: true, instance: true, code: 'ERR_EPHEMERAL_INVALID_RANGE' });
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
  const index = "export * from './a.js';\nexport { y } from './b.js';\nexport type { T } from './types.js';\nexport * from 'ext';\n";
  /** A package after tsup: index.ts above, the ESM build's names, the two CommonJS units, a re-exported package. */
  const built = (mjs: string, hot: string, rest: string, ext = 'exports.y = "shadowed"; exports.z = 3;') =>
    fakePackage({
      'src/index.ts': index,
      'dist/index.mjs': mjs,
      'dist/index.js': hot,
      'dist/rest.js': rest,
      'node_modules/ext/index.js': ext,
    });

  it('splits index.ts re-exports of local modules into the two units, with absolute paths', () => {
    const dir = fakePackage({ 'src/index.ts': index });
    const entries = lazyUnitEntries(['./b.js'], join(dir, 'src/index.ts'));
    expect(readFileSync(entries.index, 'utf8')).toContain(`export { y } from '${join(dir, 'src/b.ts')}'`);
    expect(readFileSync(entries.rest, 'utf8')).toContain(`export * from '${join(dir, 'src/a.ts')}'`);
    expect(readFileSync(entries.rest, 'utf8')).not.toMatch(/types|ext/);
    expect(() => lazyUnitEntries(['./c.js'], join(dir, 'src/index.ts'))).toThrow('re-exports nothing from ./c.js');
  });

  it('appends to the hot unit: the rest on first access, the re-exported package minus local names', async () => {
    const dir = built('export const x = 1, y = 2, z = 3;', 'exports.y = 2;', 'exports.x = 1; exports.internal = 3;');
    expect([...(await assignNames(dir))]).toEqual([
      ['./index.js', ['y']],
      ['./rest.js', ['x']],
      ['ext', ['z']],
    ]);
    await writeEntry(dir);
    await writeEntry(dir); // a rerun replaces what it appended
    writeFileSync(join(dir, 'dist/rest.js'), 'globalThis.loadedRest = true; exports.x = 1;');
    const out = json<{ before: boolean; values: number[]; after: boolean; keys: string[] }>(`
      const m = require(${JSON.stringify(join(dir, 'dist/index.js'))});
      const before = globalThis.loadedRest === true;
      const values = [m.x, m.y, m.z];
      console.log(JSON.stringify({ before, values, after: globalThis.loadedRest === true, keys: Object.keys(m) }));`);
    expect(out).toEqual({ before: false, values: [1, 2, 3], after: true, keys: ['y', 'x', 'z'] });
    expect(readFileSync(join(dir, 'dist/index.js'), 'utf8').match(/lazy-entry\.mjs: the rest/g)).toHaveLength(1);
  });

  it('fails when two units export different values under one name', async () => {
    const dir = built('export const x = 1, z = 3;', 'exports.x = 1;', 'exports.x = 2;');
    await expect(assignNames(dir)).rejects.toThrow('x is exported with different values by ./index.js and ./rest.js');
  });

  it('fails when a public name has no unit', async () => {
    const dir = built('export const x = 1, y = 2, w = 3;', 'exports.y = 2;', 'exports.x = 1;', 'exports.z = 3;');
    await expect(assignNames(dir)).rejects.toThrow('no unit of src/index.ts exports w');
  });

  it('fails when the re-exported package has a name the ESM build lacks', async () => {
    const dir = built('export const x = 1, y = 2;', 'exports.y = 2;', 'exports.x = 1;', 'exports.z = 3;');
    await expect(assignNames(dir)).rejects.toThrow('ext exports z, which the ESM build does not');
  });
});
