/**
 * The product as users get it: every package is packed once (scripts/packaging/pack-all.mjs, prepacks included),
 * linted from its tarball (publint + attw), and installed from the tarballs into fresh directories outside the
 * repo — (a) with no compiler on PATH, where the linux-x64 prebuild must load, and (b) with
 * npm_config_build_from_source=true and a compiler, where the addon must be compiled from the packed C++.
 * The facade's optionalDependencies name OS packages that are not on the registry, so `overrides` point them
 * at the tarballs; npm must skip the foreign-OS ones (optional) and refuse them when asked for directly.
 * Installs run --offline: node-addon-api and node-gyp-build come from the npm cache (the test adds the registry's
 * documents for their ranges, which a lockfile install does not keep).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTarballs, failing } from '../../scripts/packaging/check-packages.mjs';
import { NPM_CLI, PACKAGE_DIRS, type PackedPackage, packAll } from '../../scripts/packaging/pack-all.mjs';
import { TARGETS, prebuildDir } from '../../scripts/prebuild/targets.mjs';
import { zig } from '../prebuilds/ensure.js';
import { liveRange, nativeAddonsIn, run, runOk } from './npm-cli.js';

// The OS packages this Linux host must not install, with the "os" field packaging writes into each.
const FOREIGN_OS: Readonly<Record<string, string[]>> = { bsd: ['darwin', 'freebsd'], aix: ['aix'], win32: ['win32'] };
const FOREIGN = Object.keys(FOREIGN_OS);
const COMPILERS = ['cc', 'gcc', 'g++', 'c++', 'clang', 'make', 'python3'];

// Reads the range through the facade, then reports which addon files this process mapped.
const PROBE_CJS = `
const ep = require('ephemeral-ports');
const report = ep.getEphemeralRangeSync();
const maps = require('node:fs').readFileSync('/proc/self/maps', 'utf8');
console.log(JSON.stringify({ range: report.range, info: require('ephemeral-ports/testing').getBackend().info(), maps }));`;
const PROBE_ESM = `
const ep = await import('ephemeral-ports');
const report = await ep.getEphemeralRange();
const { getBackend } = await import('ephemeral-ports/testing');
console.log(JSON.stringify({ range: report.range, info: getBackend().info(), named: typeof ep.getEphemeralRangeSync }));`;

interface Probe {
  range: { low: number; high: number };
  info: { implementation: string; os: string };
  maps: string;
}

describe.runIf(process.platform === 'linux' && process.arch === 'x64' && zig.run)(
  `published packages from their npm pack tarballs (linux-x64; installs --offline from the npm cache; packing builds the prebuilds ${zig.title})`,
  () => {
    let work: string;
    let packed: PackedPackage[];
    let noCompilerApp: string;
    let fromSourceApp: string;
    let noCompilerEnv: NodeJS.ProcessEnv;
    const tarball = (dir: string) => packed.find((p) => p.dir === dir)!.tarball;

    /** A project depending on the facade, with every @ephemeral-ports/* resolved to its tarball. */
    function makeApp(name: string, extra: Record<string, unknown> = {}) {
      const app = join(work, name);
      mkdirSync(app);
      const overrides = Object.fromEntries(
        packed.filter((p) => p.name.startsWith('@ephemeral-ports/')).map((p) => [p.name, `file:${p.tarball}`]),
      );
      writeFileSync(
        join(app, 'package.json'),
        JSON.stringify({ name, private: true, dependencies: { 'ephemeral-ports': `file:${tarball('ephemeral-ports')}` }, overrides, ...extra }),
      );
      return app;
    }

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'ephports-published-'));
      packed = await packAll(join(work, 'packs'));

      // npm settings of this machine (a user npmrc with nodedir, say) must not leak in: empty user config, own
      // HOME, but the real cache so that --offline finds node-addon-api and node-gyp-build.
      const cache = join(process.env.HOME ?? '/root', '.npm');
      writeFileSync(join(work, 'npmrc'), '');
      mkdirSync(join(work, 'home'));
      const base = { HOME: join(work, 'home'), npm_config_userconfig: join(work, 'npmrc'), npm_config_cache: cache };

      // (a) PATH holds node and sh (npm runs lifecycle scripts through sh) and nothing that compiles.
      const bin = join(work, 'bin');
      mkdirSync(bin);
      symlinkSync(process.execPath, join(bin, 'node'));
      symlinkSync('/bin/sh', join(bin, 'sh'));
      noCompilerEnv = { ...base, PATH: bin, npm_config_nodedir: join(work, 'no-such-nodedir') };
      noCompilerApp = makeApp('no-compiler-app');

      // (b) the normal PATH (g++, make, python3) and a request to build; npm 11 runs the install script only
      // when allowScripts covers the package — for a tarball dependency its identity is the file: spec.
      fromSourceApp = makeApp('from-source-app', { allowScripts: { [`file:${tarball('linux')}`]: true } });
      const fromSourceEnv = { ...base, PATH: process.env.PATH, npm_config_build_from_source: 'true' };

      // The repo's install (a lockfile install) caches tarballs but not the registry's package documents, which an
      // --offline install of a range needs: cache those of the registry dependencies of the facade and the Linux
      // package (the two packages these installs resolve from the registry) first.
      const dependenciesOf = (dir: string) =>
        Object.entries((JSON.parse(readFileSync(join('packages', dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
      const registryDeps = [...dependenciesOf('ephemeral-ports'), ...dependenciesOf('linux')].filter(([name]) => !name.startsWith('@ephemeral-ports/'));
      await runOk(process.execPath, [NPM_CLI, 'cache', 'add', ...registryDeps.map(([name, range]) => `${name}@${range}`)], work, base);

      const install = ['install', '--offline', '--no-audit', '--no-fund'];
      await Promise.all([
        runOk(process.execPath, [NPM_CLI, ...install], noCompilerApp, noCompilerEnv),
        runOk(process.execPath, [NPM_CLI, ...install, '--strict-allow-scripts'], fromSourceApp, fromSourceEnv),
      ]);
    }, 900_000);
    afterAll(() => {
      if (work) rmSync(work, { recursive: true, force: true });
    });

    describe('tarballs', () => {
      it('one per package, each with dist (ESM, CJS, both .d.ts), its README and LICENSE', () => {
        expect(PACKAGE_DIRS).toEqual(expect.arrayContaining(['core', 'ephemeral-ports', 'linux', ...FOREIGN]));
        expect(packed.map((p) => p.dir)).toEqual([...PACKAGE_DIRS]);
        for (const p of packed) {
          expect(p.files, p.name).toEqual(
            expect.arrayContaining(['package.json', 'dist/index.js', 'dist/index.mjs', 'dist/index.d.ts', 'dist/index.d.mts']),
          );
          expect(p.files, `${p.name} README.md`).toContain('README.md');
          expect(p.files, `${p.name} LICENSE`).toContain('LICENSE');
        }
        console.log(packed.map((p) => `${p.name}: ${p.size} B packed, ${p.unpackedSize} B unpacked, ${p.entryCount} files`).join('\n'));
      });

      it('each addon package ships exactly its prebuilds (scripts/prebuild/targets.mjs), no build/', () => {
        for (const dir of new Set(TARGETS.map((t) => t.pkg))) {
          const shipped = packed.find((p) => p.dir === dir)!.files.filter((f) => f.startsWith('prebuilds/')).sort();
          const expected = TARGETS.filter((t) => t.pkg === dir).map((t) => `${prebuildDir(t)}/${t.file}`).sort();
          expect(shipped, dir).toEqual(expected);
        }
      });

      it('linux ships the C++ to rebuild its addon; the facade ships its CLI', () => {
        const linux = packed.find((p) => p.dir === 'linux')!.files;
        expect(linux).toEqual(expect.arrayContaining(['binding.gyp', 'native/linux/addon.cc', 'native/common/system_error.cc']));
        expect(linux.some((f) => f.startsWith('build/'))).toBe(false);
        expect(packed.find((p) => p.dir === 'ephemeral-ports')!.files).toContain('bin/ephemeral-ports.js');
      });

      it('every addon package ships the C++ its binding.gyp builds from (native/ copied at prepack)', () => {
        const expected: Record<string, string> = { bsd: 'native/bsd/addon.cc', win32: 'native/win32/addon.cc' };
        for (const [dir, source] of Object.entries(expected)) {
          expect(packed.find((p) => p.dir === dir)!.files, dir).toEqual(expect.arrayContaining(['binding.gyp', source]));
        }
      });

      it('publint and attw find no error or warning in any tarball', async () => {
        const results = await checkTarballs(packed.map((p) => p.tarball));
        expect(results).toHaveLength(PACKAGE_DIRS.length);
        expect(failing(results)).toEqual([]);
      }, 300_000);
    });

    describe('(a) installed with no compiler on PATH', () => {
      it('the PATH really has no compiler or make', () => {
        expect(readdirSync(noCompilerEnv.PATH!).sort()).toEqual(['node', 'sh']);
        for (const tool of COMPILERS) expect(existsSync(join(noCompilerEnv.PATH!, tool))).toBe(false);
      });

      it('installs core and linux; the foreign-OS optional packages are skipped but locked as optional', () => {
        const modules = join(noCompilerApp, 'node_modules/@ephemeral-ports');
        expect(readdirSync(modules).sort()).toEqual(['core', 'linux']);
        const lock = JSON.parse(readFileSync(join(noCompilerApp, 'package-lock.json'), 'utf8'));
        for (const os of FOREIGN) {
          expect(lock.packages[`node_modules/@ephemeral-ports/${os}`]).toMatchObject({ optional: true, os: FOREIGN_OS[os] });
        }
      });

      it('require() reads the live range through the linux-x64 glibc prebuild (no build/ made)', async () => {
        const probe = JSON.parse(await runOk(process.execPath, ['-e', PROBE_CJS], noCompilerApp, noCompilerEnv)) as Probe;
        expect(probe.range).toEqual(liveRange());
        expect(probe.info).toMatchObject({ os: 'linux', implementation: 'native' });
        const linux = join(noCompilerApp, 'node_modules/@ephemeral-ports/linux');
        expect(nativeAddonsIn(probe.maps)).toEqual([join(linux, 'prebuilds/linux-x64/ephemeral_ports_linux.glibc.node')]);
        expect(existsSync(join(linux, 'build'))).toBe(false);
      });

      it('import() reads the live range', async () => {
        const out = await runOk(process.execPath, ['--input-type=module', '-e', PROBE_ESM], noCompilerApp, noCompilerEnv);
        expect(JSON.parse(out)).toEqual({
          range: liveRange(),
          info: expect.objectContaining({ implementation: 'native' }),
          named: 'function',
        });
      });

      it('ephemeral-ports/get-port, imported (its one-file build) and required, hands out ports outside the live range', async () => {
        const script = `import getPort, { clearLockedPorts } from 'ephemeral-ports/get-port';
import { createRequire } from 'node:module';
const cjs = createRequire(import.meta.url)('ephemeral-ports/get-port');
const ports = [];
for (let i = 0; i < 20; i++) ports.push(await getPort(), await cjs());
clearLockedPorts();
console.log(JSON.stringify({ ports, file: import.meta.resolve('ephemeral-ports/get-port') }));`;
        const out = JSON.parse(await runOk(process.execPath, ['--input-type=module', '-e', script], noCompilerApp, noCompilerEnv)) as { ports: number[]; file: string };
        expect(out.file).toMatch(/\/node_modules\/ephemeral-ports\/dist\/get-port\.node\.mjs$/);
        const { low, high } = liveRange();
        expect(new Set(out.ports).size).toBe(40);
        for (const port of out.ports) expect(port < low || port > high).toBe(true);
      });

      it('the CLI runs from node_modules/.bin: ephemeral-ports get --json, ephport --help', async () => {
        const bin = join(noCompilerApp, 'node_modules/.bin');
        const got = JSON.parse(await runOk(join(bin, 'ephemeral-ports'), ['get', '--json'], noCompilerApp, noCompilerEnv));
        expect(got).toMatchObject({ platform: 'linux', range: liveRange(), implementation: 'native' });
        const help = await run(join(bin, 'ephport'), ['--help'], noCompilerApp, noCompilerEnv);
        expect(help.code).toBe(0);
        expect(help.stdout).toMatch(/ephemeral-ports|ephport/);
        expect(help.stdout).toMatch(/\bget\b/);
      });

      it('ephemeral-ports usage starts its census early through @ephemeral-ports/linux/addon, as installed', async () => {
        const bin = join(noCompilerApp, 'node_modules/.bin');
        const r = await run(join(bin, 'ephemeral-ports'), ['usage', '--json'], noCompilerApp, { ...noCompilerEnv, NODE_DEBUG: 'ephemeral-ports' });
        expect(r.code).toBe(0);
        expect(r.stderr).toContain('census: started early');
        expect(r.stderr).toContain('census: taking the early census');
        expect(JSON.parse(r.stdout)).toMatchObject({ source: 'netlink:sock_diag', total: expect.any(Number) });
      });
    });

    describe('(c) no loadable addon at all (prebuilds/ removed, never built): Linux says so and goes on in JS', () => {
      it('reads the range through procfs from JS, and info(), usage() and doctor() say why', async () => {
        const linux = join(noCompilerApp, 'node_modules/@ephemeral-ports/linux');
        renameSync(join(linux, 'prebuilds'), join(linux, 'prebuilds.hidden'));
        try {
          const script = `
const ep = require('ephemeral-ports');
(async () => {
  const report = ep.getEphemeralRangeSync();
  const used = await ep.usage();
  const checked = await ep.doctor();
  console.log(JSON.stringify({ range: report.range, source: report.source, info: require('ephemeral-ports/testing').getBackend().info(),
    usage: { source: used.source, fallbackReason: used.fallbackReason }, rules: checked.findings.map((f) => f.rule) }));
})();`;
          const out = JSON.parse(await runOk(process.execPath, ['-e', script], noCompilerApp, noCompilerEnv));
          expect(out.range).toEqual(liveRange());
          expect(out.source).toMatch(/^js:/);
          expect(out.info).toMatchObject({ implementation: 'js-fallback', fallbackReason: expect.stringMatching(/No native build was found/) });
          expect(out.usage).toMatchObject({ source: 'procfs:/proc/net', fallbackReason: expect.stringMatching(/native addon not loaded/) });
          expect(out.rules).toContain('CENSUS_FALLBACK');
        } finally {
          renameSync(join(linux, 'prebuilds.hidden'), join(linux, 'prebuilds'));
        }
      });
    });

    describe('(b) installed with npm_config_build_from_source=true and a compiler', () => {
      it('compiled the addon from the packed sources and loads that build, not the prebuild', async () => {
        const linux = join(fromSourceApp, 'node_modules/@ephemeral-ports/linux');
        const built = join(linux, 'build/Release/ephemeral_ports_linux.node');
        expect(existsSync(built)).toBe(true);
        const probe = JSON.parse(await runOk(process.execPath, ['-e', PROBE_CJS], fromSourceApp, process.env)) as Probe;
        expect(nativeAddonsIn(probe.maps)).toEqual([built]);
        expect(probe.info.implementation).toBe('native');
        expect(probe.range).toEqual(liveRange());
      });
    });

    describe('foreign-OS packages asked for directly', () => {
      it.each(FOREIGN)('npm refuses @ephemeral-ports/%s on linux with EBADPLATFORM', async (os) => {
        const app = join(work, `direct-${os}`);
        mkdirSync(app);
        const core = `file:${tarball('core')}`;
        writeFileSync(
          join(app, 'package.json'),
          JSON.stringify({
            name: `direct-${os}`,
            private: true,
            dependencies: { [`@ephemeral-ports/${os}`]: `file:${tarball(os)}` },
            overrides: { '@ephemeral-ports/core': core },
          }),
        );
        const result = await run(process.execPath, [NPM_CLI, 'install', '--offline', '--no-audit', '--no-fund'], app, noCompilerEnv);
        expect(result.code).not.toBe(0);
        expect(result.stderr).toContain('EBADPLATFORM');
        expect(result.stderr).toContain(`wanted {"os":"${FOREIGN_OS[os]!.join(',')}"} (current: {"os":"linux"})`);
        expect(existsSync(join(app, 'node_modules', '@ephemeral-ports', os))).toBe(false);
      });
    });
  },
);
