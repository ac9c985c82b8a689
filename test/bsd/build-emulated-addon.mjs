#!/usr/bin/env node
// TEST ONLY. Compiles the shipped native/bsd sources on Linux, linked against the sysctlbyname() double in
// test/bsd/double/, into test/bsd/build/ephemeral_ports_bsd_emulated.node (gitignored). Direct g++, no node-gyp:
// the Node-API headers come from node-api-headers, and Node resolves the napi_* symbols at load time.
// Skips the compile when the output is newer than every source. Prints the output path.
// Run it under flock (see emulated-addon.ts) so parallel test files do not compile at the same time.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const out = join(here, 'build', 'ephemeral_ports_bsd_emulated.node');
const dirs = [join(root, 'native', 'common'), join(root, 'native', 'bsd'), join(here, 'double')];
// The shipped sources except native/bsd/module.cc (the shipped entry point; the test build has its own).
const sources = dirs
  .flatMap((dir) => readdirSync(dir).map((name) => join(dir, name)))
  .filter((file) => file.endsWith('.cc') && !file.endsWith(join('bsd', 'module.cc')));
const inputs = [...dirs.flatMap((dir) => readdirSync(dir).map((name) => join(dir, name))), fileURLToPath(import.meta.url)];
const newest = Math.max(...inputs.map((file) => statSync(file).mtimeMs));

if (!existsSync(out) || statSync(out).mtimeMs < newest) {
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const modules = join(root, 'node_modules');
  execFileSync(
    '/usr/bin/g++',
    [
      '-std=c++17', '-O1', '-fPIC', '-shared', '-Wall', '-Wextra', '-Werror',
      '-DEP_SYSCTL_DOUBLE', '-DNAPI_VERSION=8', '-DNAPI_CPP_EXCEPTIONS',
      `-I${join(modules, 'node-addon-api')}`, `-I${join(modules, 'node-api-headers', 'include')}`,
      ...dirs.map((dir) => `-I${dir}`),
      ...sources,
      '-o', tmp,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  renameSync(tmp, out);
}
process.stdout.write(out);
