/**
 * The built entries (dist/, which npm test builds first): every subpath of every exports map works for require,
 * import and bundlers alike, with one copy of core; the front door stays small and loads only what reading the
 * range needs. Each check runs in a fresh Node process, so module caches start empty.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../helpers/netns.js';

function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: ROOT_DIR, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
}
const json = <T>(script: string, type: 'commonjs' | 'module' = 'commonjs'): T =>
  JSON.parse(node(type === 'module' ? ['--input-type=module', '-e', script] : ['-e', script])) as T;

interface Manifest {
  name: string;
  exports?: Record<string, string | Record<string, string>>;
}
const packageDirs = readdirSync(join(ROOT_DIR, 'packages')).filter((dir) => existsSync(join(ROOT_DIR, 'packages', dir, 'package.json')));
const manifests = new Map<string, Manifest>(
  packageDirs.map((dir) => [dir, JSON.parse(readFileSync(join(ROOT_DIR, 'packages', dir, 'package.json'), 'utf8')) as Manifest]),
);
/** [module id, the file its `module` condition names] for every subpath of every exports map. */
const subpaths = [...manifests].flatMap(([dir, m]) =>
  Object.entries(m.exports ?? {})
    .filter(([key]) => key !== './package.json')
    .map(([key, target]) => [
      key === '.' ? m.name : `${m.name}/${key.slice(2)}`,
      join(ROOT_DIR, 'packages', dir, (target as Record<string, string>).module!),
    ]),
);
// Names Node adds to the ESM view of a CommonJS module; not ours.
const INTEROP = JSON.stringify(['default', '__esModule', 'module.exports']);
// (`default` is compared apart: get-port's subpath exports a function as its default, on purpose.)

describe('exports maps', () => {
  it('every published package has one, with types, import, require and module (bundlers) for each subpath', () => {
    for (const m of manifests.values()) {
      expect(m.exports, m.name).toBeDefined();
      for (const [key, target] of Object.entries(m.exports!)) {
        if (key === './package.json') continue;
        expect(Object.keys(target as object).sort(), `${m.name} ${key}`).toEqual(['import', 'module', 'require', 'types']);
      }
    }
  });

  it.each(subpaths)('%s: the build exports every runtime name its source does', async (id) => {
    // A hub's re-exports must survive the build: two `export *` paths to one hub once dropped them all silently.
    const source = Object.keys((await import(/* @vite-ignore */ id)) as object)
      .filter((k) => k !== 'default')
      .sort();
    const built = json<string[]>(`console.log(JSON.stringify(Object.keys(require(${JSON.stringify(id)})).filter((k) => k !== 'default').sort()))`);
    expect(built).toEqual(source);
  });

  it.each(subpaths)("%s: require, import and the bundlers' ESM build export the same names", (id, mjs) => {
    // get-port's shape: require() gives a function carrying the names, and `default` stands for it in ESM.
    const cjs = json<string[]>(
      `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(id)})).filter((k) => k !== 'default').sort()))`,
    );
    const esm = json<string[]>(
      `const ns = await import(${JSON.stringify(id)}); console.log(JSON.stringify(Object.keys(ns).filter((k) => !${INTEROP}.includes(k)).sort()))`,
      'module',
    );
    const bundlers = json<string[]>(
      `const ns = await import(${JSON.stringify(mjs)}); console.log(JSON.stringify(Object.keys(ns).filter((k) => !${INTEROP}.includes(k)).sort()))`,
      'module',
    );
    expect(cjs.length).toBeGreaterThan(0);
    expect(esm).toEqual(cjs);
    expect(bundlers).toEqual(cjs);
  });
});

describe('the front door', () => {
  it('has at most 30 runtime names, and the deeper pieces are on subpaths', () => {
    const names = json<string[]>(`console.log(JSON.stringify(Object.keys(require('ephemeral-ports'))))`);
    expect(names.length).toBeLessThanOrEqual(30);
    expect(names).toEqual(
      expect.arrayContaining(['getEphemeralRange', 'setEphemeralRange', 'getFreePort', 'explainPort', 'usage', 'doctor', 'EphemeralPortsError', 'ErrorCodes']),
    );
    expect(names).not.toContain('createMemoryBackend');
    expect(names).not.toContain('loadBackend');
  });

  it('require() loads no backend, no socket module, only the model part of core and none of the lazily loaded parts: three files', () => {
    const loaded = json<{ files: string[]; builtins: string[] }>(
      `require('ephemeral-ports');` +
        `console.log(JSON.stringify({ files: Object.keys(require.cache).filter((f) => f.includes('/packages/')).map((f) => f.slice(f.indexOf('/packages/') + 10)),` +
        ` builtins: process.moduleLoadList.filter((m) => /^NativeModule (net|dgram|dns)$/.test(m)) }))`,
    );
    // Each file costs a cold start a resolution and a compile: the facade's entry and its hub, and core's model.
    expect(loaded.files.sort()).toEqual(['core/dist/model.js', 'ephemeral-ports/dist/hub.js', 'ephemeral-ports/dist/index.js']);
    expect(loaded.builtins).toEqual([]);
  });

  it.runIf(process.platform === 'linux')('reading the range loads the Linux backend, and no socket module', () => {
    const after = json<{ files: string[]; builtins: string[]; range: unknown }>(
      `require('ephemeral-ports').getEphemeralRange().then((r) => console.log(JSON.stringify({ range: r.range,` +
        ` files: Object.keys(require.cache).filter((f) => f.includes('/packages/')).map((f) => f.slice(f.indexOf('/packages/') + 10)),` +
        ` builtins: process.moduleLoadList.filter((m) => /^NativeModule (net|dgram|dns)$/.test(m)) })))`,
    );
    expect(after.range).toMatchObject({ low: expect.any(Number), high: expect.any(Number) });
    // The Linux package's entry, its hub, the addon's loader (a hub of its own, which loads without core: the CLI's
    // early census needs it) and the addon: one file more per package than the hub layout needs is a regression in
    // cold start (scripts/tsup-hub.mjs).
    const linux = after.files.filter((f) => f.startsWith('linux/'));
    expect(linux).toHaveLength(4);
    expect(linux).toEqual(expect.arrayContaining(['linux/dist/hub.js', 'linux/dist/index.js', 'linux/dist/addon.js']));
    expect(linux.filter((f) => f.endsWith('.node'))).toHaveLength(1);
    expect(after.files).not.toContain('core/dist/index.js');
    expect(after.builtins).toEqual([]);
  });

  /** The package files and the costly builtins a fresh process loaded by the time it exits, with `preload` watching. */
  function loadedBy(args: string[]): { files: string[]; builtins: string[] } {
    const preload =
      `process.on('exit', () => require('node:fs').writeSync(2, '\\nLOADED ' + JSON.stringify({` +
      ` files: Object.keys(require.cache).filter((f) => f.includes('/packages/')).map((f) => f.slice(f.indexOf('/packages/') + 10)),` +
      ` builtins: process.moduleLoadList.filter((m) => /^NativeModule (net|dgram|dns|crypto|child_process)$/.test(m)) })));`;
    const dir = mkdtempSync(join(ROOT_DIR, 'test/bundle/.tmp-'));
    try {
      writeFileSync(join(dir, 'watch.cjs'), preload);
      const result = spawnSync(process.execPath, ['-r', join(dir, 'watch.cjs'), ...args], { cwd: ROOT_DIR, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
      const line = result.stderr.split('\n').find((l) => l.startsWith('LOADED '));
      if (!line) throw new Error(`no report from node ${args.join(' ')}: ${result.stderr}`);
      return JSON.parse(line.slice('LOADED '.length)) as { files: string[]; builtins: string[] };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it.runIf(process.platform === 'linux')('`ephemeral-ports get --json` loads only the model part of core, and no socket, crypto or process module', () => {
    const loaded = loadedBy([join(ROOT_DIR, 'packages/ephemeral-ports/bin/ephemeral-ports.js'), 'get', '--json']);
    // The bin, the CLI's hub, the one command, the facade's hub: each file more costs every command's start.
    expect(loaded.files.filter((f) => f.startsWith('ephemeral-ports/')).sort()).toEqual([
      'ephemeral-ports/bin/ephemeral-ports.js',
      'ephemeral-ports/dist/cli.js',
      expect.stringMatching(/^ephemeral-ports\/dist\/get-\w+\.js$/),
      'ephemeral-ports/dist/hub.js',
    ]);
    expect(loaded.files).toContain('core/dist/model.js');
    expect(loaded.files).not.toContain('core/dist/index.js');
    expect(loaded.builtins).toEqual([]);
  });

  it('the early census loads without core: the facade\'s boot hub and @ephemeral-ports/linux/addon', () => {
    const boot = join(ROOT_DIR, 'packages/ephemeral-ports/dist/boot.js');
    const files = json<string[]>(
      `require('@ephemeral-ports/linux/addon'); require(${JSON.stringify(boot)});` +
        `console.log(JSON.stringify(Object.keys(require.cache).filter((f) => f.includes('/packages/')).map((f) => f.slice(f.indexOf('/packages/') + 10))))`,
    );
    expect(files).toEqual(expect.arrayContaining(['linux/dist/addon.js', 'ephemeral-ports/dist/boot.js']));
    expect(files.filter((f) => f.startsWith('core/'))).toEqual([]);
  });

  it.runIf(process.platform === 'linux')('`ephemeral-ports usage --json` loads the addon before the CLI, so its census starts first', () => {
    const order = loadedBy([join(ROOT_DIR, 'packages/ephemeral-ports/bin/ephemeral-ports.js'), 'usage', '--json']).files;
    // require.cache keeps the order in which loads began: the boot hub, the Linux addon's loader and the addon
    // itself come before the CLI's entry and core's model.
    const addon = order.findIndex((f) => f.endsWith('.node'));
    expect(order.indexOf('ephemeral-ports/dist/boot.js')).toBeGreaterThanOrEqual(0);
    expect(addon).toBeGreaterThan(order.indexOf('linux/dist/addon.js'));
    expect(order.indexOf('ephemeral-ports/dist/cli.js')).toBeGreaterThan(addon);
    expect(order.indexOf('core/dist/model.js')).toBeGreaterThan(addon);
    expect(loadedBy([join(ROOT_DIR, 'packages/ephemeral-ports/bin/ephemeral-ports.js'), 'get', '--json']).files).not.toContain('ephemeral-ports/dist/boot.js');
  });

  it.runIf(process.platform === 'linux')("get-port's first call (import) runs one file of ours: no CommonJS module, no backend, no addon, no crypto", () => {
    const loaded = loadedBy(['--input-type=module', '-e', "const { default: getPort } = await import('ephemeral-ports/get-port'); await getPort();"]);
    // The import build (dist/get-port.node.mjs) holds the free-port code, what it uses of core and the Linux port
    // facts; Node's require cache would list anything else of ours, the backend and its addon included.
    expect(loaded.files).toEqual([]);
    // net.Server#listen loads node:cluster, which loads child_process and dgram (get-port's first call too).
    expect(loaded.builtins).toContain('NativeModule net');
    expect(loaded.builtins).not.toContain('NativeModule crypto');
  });

  it.runIf(process.platform === 'linux')("get-port's first call (require) reads the Linux port facts without the package's entry or its addon", () => {
    const loaded = loadedBy(['-e', "require('ephemeral-ports/get-port')().then(() => {})"]);
    expect(loaded.files).toEqual(expect.arrayContaining(['ephemeral-ports/dist/get-port.js', 'linux/dist/port-facts.js']));
    expect(loaded.files).not.toContain('linux/dist/index.js');
    expect(loaded.files.filter((f) => f.endsWith('.node'))).toEqual([]);
    expect(loaded.files).not.toContain('core/dist/index.js');
    expect(loaded.builtins).not.toContain('NativeModule crypto');
  });

});

describe('bundled with esbuild', () => {
  const dir = mkdtempSync(join(ROOT_DIR, 'test/bundle/.tmp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const imports = [
    ['{ EphemeralPortsError, EphemeralPortsTypeError, getEphemeralRange }', 'ephemeral-ports'],
    ['core', 'ephemeral-ports/core'],
    ['{ backendPackageFor }', 'ephemeral-ports/platforms'],
    ['{ createMemoryBackend }', 'ephemeral-ports/testing'],
  ] as const;
  const body = `
    let platformError, argumentError;
    try { backendPackageFor('plan9'); } catch (e) { platformError = e; }
    try { await getEphemeralRange({ protocol: 'sctp' }); } catch (e) { argumentError = e; }
    console.log(JSON.stringify({
      sameClass: core.EphemeralPortsError === EphemeralPortsError,
      platformError: platformError instanceof core.EphemeralPortsError && platformError instanceof EphemeralPortsError,
      code: platformError?.code,
      argumentError: argumentError instanceof core.EphemeralPortsTypeError && argumentError instanceof TypeError && argumentError instanceof EphemeralPortsTypeError,
      memory: typeof createMemoryBackend,
    }));`;
  const sources = {
    esm: `${imports.map(([what, id]) => `import ${what === 'core' ? '* as core' : what} from '${id}';`).join('\n')}\n${body}`,
    cjs: `${imports.map(([what, id]) => `const ${what} = require('${id}');`).join('\n')}\n(async () => {${body}})();`,
  };

  it.each(['esm', 'cjs'] as const)('one copy of core, and instanceof holds across the root and subpaths (%s)', async (format) => {
    const entry = join(dir, `app-${format}.${format === 'esm' ? 'mjs' : 'cjs'}`);
    writeFileSync(entry, sources[format]);
    const outfile = join(dir, `bundle-${format}.${format === 'esm' ? 'mjs' : 'cjs'}`);
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format, outfile, logLevel: 'silent', absWorkingDir: ROOT_DIR });
    expect(readFileSync(outfile, 'utf8').match(/class EphemeralPortsError extends Error|EphemeralPortsError\d* = class (?:_EphemeralPortsError\d* )?extends Error/g)).toHaveLength(1);
    expect(JSON.parse(node([outfile]))).toEqual({
      sameClass: true,
      platformError: true,
      code: 'ERR_EPHEMERAL_UNSUPPORTED_PLATFORM',
      argumentError: true,
      memory: 'function',
    });
  });
});
