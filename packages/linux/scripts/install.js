#!/usr/bin/env node
// `install` script: make sure an addon loads (the bundled prebuild, else a build from source). It never fails
// the install: without an addon the package uses its pure-JS procfs fallback and says so in info().
// npm 11 may not run this script at all (dependency scripts are blocked by default); nothing depends on it.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { buildEnv } = require('./node-headers.js');

const pkg = path.resolve(__dirname, '..');
let bin;
try {
  bin = require.resolve('node-gyp-build/bin.js', { paths: [pkg] });
  // The common case: the bundled prebuild (or an earlier build) loads, and there is nothing to do — unless
  // npm_config_build_from_source=true asks for a compile anyway (node-gyp-build's bin honours the same flag).
  if (process.env.npm_config_build_from_source !== 'true') {
    require(require.resolve('node-gyp-build', { paths: [pkg] }))(pkg);
    process.exit(0);
  }
} catch {
  if (!bin) {
    console.warn('@ephemeral-ports/linux: node-gyp-build is missing; the JS fallback will be used');
    process.exit(0);
  }
}
// node-gyp-build's bin runs `node-gyp rebuild` when no prebuild fits.
const result = spawnSync(process.execPath, [bin], { cwd: pkg, stdio: 'inherit', env: buildEnv() });
if (result.status !== 0) {
  console.warn('@ephemeral-ports/linux: no native addon (no prebuild fits and the build failed); ' +
    'the pure-JS procfs fallback will be used, without network-namespace support');
}
process.exit(0);
