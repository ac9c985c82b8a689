#!/usr/bin/env node
// The `install` script of every package with an addon (npm pack ships it in <package>/native/common/). It makes
// sure an addon loads: the bundled prebuild (node-gyp-build layout), else a build from the shipped sources with
// the system compiler. It never fails the install: without an addon each backend uses its non-native fallback
// and says so in info(). npm 11 may not run install scripts of dependencies at all; nothing depends on it.
//   npm_config_build_from_source=true  compile even when a prebuild fits
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const pkg = path.resolve(__dirname, '..', '..');
const { name, os } = require(path.join(pkg, 'package.json'));

/** node-gyp downloads Node's headers unless told where they are; official builds ship them: use those (offline). */
function buildEnv(env = process.env) {
  if (env.npm_config_nodedir) return env;
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? { ...env, npm_config_nodedir: prefix } : env;
}

function main() {
  // Published packages carry "os" (written from the platform table when packed); a repo checkout has none and
  // builds its addons with `npm run build`.
  if (!Array.isArray(os) || !os.includes(process.platform)) return;
  let bin;
  try {
    bin = require.resolve('node-gyp-build/bin.js', { paths: [pkg] });
    if (process.env.npm_config_build_from_source !== 'true') {
      require(require.resolve('node-gyp-build', { paths: [pkg] }))(pkg);
      return; // a prebuild (or an earlier build) loads
    }
  } catch {
    if (!bin) {
      console.warn(`${name}: node-gyp-build is missing; the backend will use its non-native fallback`);
      return;
    }
  }
  // node-gyp-build's bin runs `node-gyp rebuild` when no prebuild fits (or the flag above asks for it).
  const result = spawnSync(process.execPath, [bin], { cwd: pkg, stdio: 'inherit', env: buildEnv() });
  if (result.status !== 0) {
    console.warn(`${name}: no native addon (no prebuild fits and the build failed); the backend will use its ` +
      'non-native fallback and say so in info()');
  }
}

if (require.main === module) main();
module.exports = { buildEnv };
