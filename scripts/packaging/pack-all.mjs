#!/usr/bin/env node
/**
 * Packs every published package exactly as `npm publish` would, and prints (or returns) where the tarballs are.
 *
 *   node scripts/packaging/pack-all.mjs [--out <dir>] [--json]
 *
 * First the prebuilds are brought up to date in the repo (`npm run prebuild`, scripts/prebuild/prebuild-all.mjs;
 * a fresh file is kept). Packing runs each package's prepack (tsup, the addon's native/ copy, the prebuild step,
 * which finds its files up to date), which rewrites dist/ and native/. Other processes (tests, the dev build) load
 * those folders from the working tree, so the packs run in a staging copy of the repo's layout instead (timestamps
 * kept, so the prebuilds stay up to date there); its node_modules is a link to the real one. Packages without a
 * prepack are built in the staging copy first, so a stale dist/ is never published.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { prebuildAll } from '../prebuild/prebuild-all.mjs';
import { osFields } from './platform-fields.mjs';

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// The npm CLI that belongs to this node (not whatever `npm` is first on PATH).
export const NPM_CLI = resolveNpmCli();

/**
 * Every published package under packages/ (a package.json that is not private), in publish order: core first,
 * because everything depends on it, the facade last, the OS packages between them in alphabetical order.
 */
export const PACKAGE_DIRS = listPackages();

function listPackages() {
  const rank = (dir) => (dir === 'core' ? 0 : dir === 'ephemeral-ports' ? 2 : 1);
  return readdirSync(join(ROOT, 'packages'))
    .filter((dir) => {
      const manifest = join(ROOT, 'packages', dir, 'package.json');
      return existsSync(manifest) && !JSON.parse(readFileSync(manifest, 'utf8')).private;
    })
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

// Generated or local-only content that must not leak into the staging copy (prepack/build recreate what ships;
// prebuilds/ is copied, fresh from prebuildAll()).
const SKIP = new Set(['node_modules', 'build', 'dist', 'native', 'docs']);

function resolveNpmCli() {
  for (const candidate of [
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    '/usr/lib/node_modules/npm/bin/npm-cli.js',
    '/usr/local/lib/node_modules/npm/bin/npm-cli.js',
  ]) {
    if (existsSync(candidate)) return realpathSync(candidate);
  }
  throw new Error(`npm-cli.js not found next to ${process.execPath}`);
}

async function npm(args, cwd, env = process.env) {
  try {
    const { stdout } = await run(process.execPath, [NPM_CLI, ...args], { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
  }
}

/** `npm pack --json` prints the prepack scripts' output first; the report is the last top-level array. */
function lastJsonArray(stdout) {
  const starts = [...stdout.matchAll(/^\[$/gm)];
  if (!starts.length) throw new Error(`no JSON report in npm pack output:\n${stdout}`);
  return JSON.parse(stdout.slice(starts.at(-1).index));
}

/** Copies what packing needs: the package sources, the shared C++, the build, cross-build and native-copy scripts. */
async function stageRepo(stage) {
  for (const dir of PACKAGE_DIRS) {
    const from = join(ROOT, 'packages', dir);
    cpSync(from, join(stage, 'packages', dir), {
      recursive: true,
      preserveTimestamps: true,
      filter: (src) => !(SKIP.has(basename(src)) && dirname(src) === from),
    });
  }
  cpSync(join(ROOT, 'native'), join(stage, 'native'), { recursive: true, preserveTimestamps: true });
  for (const dir of ['windows', 'packaging', 'prebuild']) {
    cpSync(join(ROOT, 'scripts', dir), join(stage, 'scripts', dir), { recursive: true, preserveTimestamps: true });
  }
  for (const file of ['tsup-base.mjs', 'tsup-hub.mjs']) cpSync(join(ROOT, 'scripts', file), join(stage, 'scripts', file));
  await writeOsFields(stage);
  cpSync(join(ROOT, 'tsconfig.base.json'), join(stage, 'tsconfig.base.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(stage, 'node_modules'));
}

/** Writes each OS package's `"os"` field, from the platform table, into the staged package.json. */
async function writeOsFields(stage) {
  const fields = await osFields();
  for (const dir of PACKAGE_DIRS) {
    const file = join(stage, 'packages', dir, 'package.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    const os = fields.get(manifest.name);
    if (!os) continue;
    writeFileSync(file, `${JSON.stringify({ ...manifest, os }, null, 2)}\n`);
  }
}

/**
 * @param {string} out folder for the tarballs (created)
 * @returns {Promise<Array<{ dir: string, name: string, version: string, tarball: string, size: number,
 *   unpackedSize: number, entryCount: number, files: string[] }>>}
 */
export async function packAll(out, { log = console.error } = {}) {
  mkdirSync(out, { recursive: true });
  await prebuildAll({ root: ROOT, log });
  const stage = mkdtempSync(join(tmpdir(), 'ephports-stage-'));
  try {
    await stageRepo(stage);
    const packed = [];
    for (const dir of PACKAGE_DIRS) {
      const cwd = join(stage, 'packages', dir);
      const manifest = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
      if (!manifest.scripts?.prepack && manifest.scripts?.build) await npm(['run', 'build', '--silent'], cwd);
      const [report] = lastJsonArray(await npm(['pack', '--json', '--pack-destination', out], cwd));
      packed.push({
        dir,
        name: report.name,
        version: report.version,
        tarball: join(out, report.filename),
        size: report.size,
        unpackedSize: report.unpackedSize,
        entryCount: report.entryCount,
        files: report.files.map((f) => f.path),
      });
    }
    return packed;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  const out = at >= 0 ? resolve(args[at + 1]) : mkdtempSync(join(tmpdir(), 'ephports-packs-'));
  const packed = await packAll(out);
  if (args.includes('--json')) {
    console.log(JSON.stringify(packed.map(({ files, ...rest }) => rest), null, 2));
  } else {
    for (const p of packed) {
      console.log(`${p.name}@${p.version}  ${(p.size / 1024).toFixed(1)} kB packed, ${(p.unpackedSize / 1024).toFixed(1)} kB unpacked, ${p.entryCount} files  ${p.tarball}`);
    }
  }
}
