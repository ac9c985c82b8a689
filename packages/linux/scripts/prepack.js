#!/usr/bin/env node
// `npm pack`/`npm publish`: npm packs only files inside the package folder, but the C++ lives in the repo's
// top-level native/. Copy it into ./native (binding.gyp uses it when present), then build the
// linux-x64 prebuild that ships in the tarball. The prebuild is compiled in a staging copy that has only the
// tarball's layout, which proves that layout builds and leaves this folder's build/ (used by running tests)
// alone. postpack removes the native/ copy.
'use strict';
const { execFileSync } = require('node:child_process');
const { cpSync, mkdirSync, mkdtempSync: makeTemp, readdirSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { buildEnv } = require('./node-headers.js');

const { copyNativeSources } = require('../../../scripts/packaging/native-sources.js');

const pkg = path.resolve(__dirname, '..');
const copy = copyNativeSources(pkg, ['common', 'linux']);

const stage = mkdtemp();
try {
  cpSync(copy, path.join(stage, 'native'), { recursive: true });
  cpSync(path.join(pkg, 'binding.gyp'), path.join(stage, 'binding.gyp'));
  const manifest = require(path.join(pkg, 'package.json'));
  writeFileSync(path.join(stage, 'package.json'), JSON.stringify({ name: manifest.name, version: manifest.version }));
  // binding.gyp asks node for require('node-addon-api').targets; let the staging copy resolve it.
  const addonApiDir = path.dirname(path.dirname(require.resolve('node-addon-api/package.json', { paths: [pkg] })));
  const prebuildify = require.resolve('prebuildify/bin.js', { paths: [pkg] });
  execFileSync(process.execPath, [prebuildify, '--napi', '--strip', '--tag-libc'], {
    cwd: stage,
    stdio: 'inherit',
    env: { ...buildEnv(), NODE_PATH: addonApiDir },
  });

  // Swap the new binaries in by rename, so a process loading prebuilds/ meanwhile never sees a missing file.
  const from = path.join(stage, 'prebuilds', 'linux-x64');
  const to = path.join(pkg, 'prebuilds', 'linux-x64');
  mkdirSync(to, { recursive: true });
  const built = readdirSync(from);
  for (const name of built) {
    cpSync(path.join(from, name), path.join(to, `${name}.tmp`));
    renameSync(path.join(to, `${name}.tmp`), path.join(to, name));
  }
  for (const name of readdirSync(to)) if (!built.includes(name)) rmSync(path.join(to, name));
} finally {
  rmSync(stage, { recursive: true, force: true });
}

function mkdtemp() {
  return makeTemp(path.join(tmpdir(), 'ephports-prebuild-'));
}
