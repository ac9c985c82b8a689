#!/usr/bin/env node
// Dev build of the addon into build/Release (run by `npm run build`, hence by the root `npm test`).
// Skips the compile when the addon is newer than every source, so repeated builds cost nothing.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');
const { buildEnv } = require('./node-headers.js');

const pkg = path.resolve(__dirname, '..');
const addon = path.join(pkg, 'build', 'Release', 'ephemeral_ports_linux.node');

if (process.platform !== 'linux') {
  console.error(`@ephemeral-ports/linux: not building the addon on ${process.platform}`);
  process.exit(0);
}

// The same rule as binding.gyp: ./native when present (a tarball), else the repo's top-level native/.
const nativeRoot = existsSync(path.join(pkg, 'native')) ? path.join(pkg, 'native') : path.resolve(pkg, '..', '..', 'native');
const sources = [path.join(pkg, 'binding.gyp')];
for (const dir of ['common', 'linux']) {
  for (const name of readdirSync(path.join(nativeRoot, dir))) sources.push(path.join(nativeRoot, dir, name));
}
const newest = Math.max(...sources.map((file) => statSync(file).mtimeMs));
if (existsSync(addon) && statSync(addon).mtimeMs >= newest) {
  console.log('@ephemeral-ports/linux: addon up to date');
  process.exit(0);
}
// `build` (make) replaces only the changed objects and the .node itself, so processes loading the addon
// meanwhile keep finding it; `rebuild` wipes build/ first and is needed only when binding.gyp changed.
const makefile = path.join(pkg, 'build', 'Makefile');
const configured = existsSync(makefile) && statSync(makefile).mtimeMs >= statSync(path.join(pkg, 'binding.gyp')).mtimeMs;
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
execFileSync(process.execPath, [nodeGyp, configured ? 'build' : 'rebuild'], { cwd: pkg, stdio: 'inherit', env: buildEnv() });
