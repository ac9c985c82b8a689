#!/usr/bin/env node
// Dev build of a package's addon into build/Release (its `npm run build`, hence the root `npm test`), on the OSes
// its binding.gyp builds for; elsewhere it says so and does nothing. Skips the compile when the addon is newer than
// every source, so repeated builds cost nothing.
//   node ../../scripts/packaging/build-addon.js <target_name> <native dir> <process.platform...>
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');
const { buildEnv } = require('../../native/common/install-addon.js');

const [target, nativeDir, ...platforms] = process.argv.slice(2);
const pkg = process.cwd();
const { name } = require(path.join(pkg, 'package.json'));

if (!platforms.includes(process.platform)) {
  console.log(`${name}: the addon builds on ${platforms.join(', ')}, not ${process.platform}; skipped`);
  process.exit(0);
}
const addon = path.join(pkg, 'build', 'Release', `${target}.node`);
const sources = [path.join(pkg, 'binding.gyp')];
for (const dir of ['common', nativeDir]) {
  const folder = path.join(pkg, 'native', dir);
  for (const file of readdirSync(folder)) sources.push(path.join(folder, file));
}
const newest = Math.max(...sources.map((file) => statSync(file).mtimeMs));
if (existsSync(addon) && statSync(addon).mtimeMs >= newest) {
  console.log(`${name}: addon up to date`);
  process.exit(0);
}
// `build` (make) replaces only the changed objects and the .node itself, so processes loading the addon meanwhile
// keep finding it; `rebuild` wipes build/ first and is needed only when binding.gyp changed.
const makefile = path.join(pkg, 'build', 'Makefile');
const configured = existsSync(makefile) && statSync(makefile).mtimeMs >= statSync(sources[0]).mtimeMs;
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
execFileSync(process.execPath, [nodeGyp, configured ? 'build' : 'rebuild'], { cwd: pkg, stdio: 'inherit', env: buildEnv() });
