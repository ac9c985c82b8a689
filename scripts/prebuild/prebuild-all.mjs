#!/usr/bin/env node
/**
 * `npm run prebuild` (also run by `npm run build`, hence `npm test`): builds every prebuild the published packages
 * ship (scripts/prebuild/targets.mjs) with zig 0.11 into packages/<pkg>/prebuilds/<platform>-<arch>/, as many
 * compilers at a time as there are cores (or EPHEMERAL_PORTS_JOBS), printing its progress. A file newer than every
 * input (its package's binding.gyp, the C++ it compiles, these scripts) is kept, so a second run costs seconds; the
 * first link for a target also builds zig's libc++ for it (minutes, cached in zig's cache). The prebuilds are not
 * committed; `prepack` of each addon package runs this for its own targets.
 *
 *   node scripts/prebuild/prebuild-all.mjs [--force] [--root <repo copy>] [target id | package ...]
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTarget } from './build-target.mjs';
import { TARGETS, prebuildDir, selectTargets } from './targets.mjs';
import { findZig } from './zig.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** Runs at most `limit` tasks at once, in the order they were queued. */
function pool(limit) {
  let active = 0;
  const waiting = [];
  const next = () => {
    if (active >= limit || !waiting.length) return;
    active++;
    const { task, resolve: done, reject } = waiting.shift();
    task().then(done, reject).finally(() => {
      active--;
      next();
    });
  };
  return (task) => new Promise((res, rej) => {
    waiting.push({ task, resolve: res, reject: rej });
    next();
  });
}

/**
 * Removes files of a prebuilds/<platform>-<arch>/ folder that no target makes (an older naming, another build
 * tool's output), so a tarball ships exactly the set of targets.mjs. Only folders all of whose targets were built.
 */
function removeStrayFiles(root, built) {
  for (const target of built) {
    const dir = join(root, 'packages', target.pkg, prebuildDir(target));
    const owners = TARGETS.filter((t) => t.pkg === target.pkg && prebuildDir(t) === prebuildDir(target));
    if (!existsSync(dir) || !owners.every((t) => built.includes(t))) continue;
    for (const name of readdirSync(dir)) {
      if (!owners.some((t) => t.file === name)) rmSync(join(dir, name), { force: true, recursive: true });
    }
  }
}

/** The newest mtime among the files a target's build reads. */
function newestInput(root, target) {
  const pkg = join(root, 'packages', target.pkg);
  const native = join(pkg, 'native');
  const dirs = [join(native, 'common'), join(native, target.pkg === 'bsd' ? 'bsd' : target.pkg), HERE];
  const files = [join(pkg, 'binding.gyp'), ...dirs.flatMap((d) => readdirSync(d).map((f) => join(d, f)))];
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

/**
 * @param {{ root?: string, selectors?: string[], force?: boolean, log?: (line: string) => void }} [options]
 * @returns {Promise<Array<{ id: string, file: string, built: boolean, bytes: number }>>}
 */
export async function prebuildAll({ root = join(HERE, '..', '..'), selectors = [], force = false, log = console.log } = {}) {
  const targets = selectTargets(selectors);
  const zig = findZig();
  if ('missing' in zig) throw new Error(zig.missing);
  const modules = join(root, 'node_modules');
  const tools = {
    zig: zig.path,
    root,
    headers: join(modules, 'node-api-headers', 'include'),
    addonApi: join(modules, 'node-addon-api'),
    jobs: pool(Number(process.env.EPHEMERAL_PORTS_JOBS) || availableParallelism()),
    log,
  };
  const started = Date.now();
  const seconds = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;
  log(`prebuild: zig ${zig.version} (${zig.path}), ${targets.length} target(s): ${targets.map((t) => t.id).join(', ')}`);
  // Every target runs to its end even when one fails, so no compiler is left running behind a failed build.
  const settled = await Promise.allSettled(
    targets.map(async (target) => {
      const file = join(root, 'packages', target.pkg, prebuildDir(target), target.file);
      if (!force && existsSync(file) && statSync(file).mtimeMs >= newestInput(root, target)) {
        log(`${target.id}: up to date (${file})`);
        return { id: target.id, file, built: false, bytes: statSync(file).size };
      }
      log(`${target.id}: building (zig -target ${target.zig})`);
      await buildTarget(tools, target, file);
      const bytes = statSync(file).size;
      log(`${target.id}: ${(bytes / 1024).toFixed(0)} KiB ${file} [+${seconds()}]`);
      return { id: target.id, file, built: true, bytes };
    }),
  );
  removeStrayFiles(root, targets);
  const failures = settled.flatMap((s, i) => (s.status === 'rejected' ? [`${targets[i].id}: ${s.reason?.message ?? s.reason}`] : []));
  if (failures.length) throw new Error(`${failures.length} of ${targets.length} prebuild(s) failed:\n${failures.join('\n')}`);
  const results = settled.map((s) => s.value);
  log(`prebuild: done in ${seconds()} (${results.filter((r) => r.built).length} built, ${results.filter((r) => !r.built).length} up to date)`);
  return results;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const at = args.indexOf('--root');
  const root = at >= 0 ? resolve(args[at + 1]) : undefined;
  const selectors = args.filter((a, i) => a !== '--force' && a !== '--root' && (at < 0 || i !== at + 1));
  const zig = findZig();
  // `npm run build` runs this first (npm's pre-hook of "build"): a machine without zig (not linux-x64) still builds
  // and tests everything else; the prebuild tests then skip and say why. Packing (pack-all.mjs, prepack) and CI
  // (EPHEMERAL_PORTS_REQUIRE_TOOLS=1) fail instead.
  if ('missing' in zig && process.env.npm_lifecycle_event === 'prebuild' && process.env.EPHEMERAL_PORTS_REQUIRE_TOOLS !== '1') {
    console.log(`prebuild: skipped, ${zig.missing}`);
  } else {
    prebuildAll({ root, selectors, force }).catch((error) => {
      console.error(`prebuild failed: ${error.message}`);
      process.exit(1);
    });
  }
}
