#!/usr/bin/env node
// `prepack` of a package whose addon builds on this host: replace ./native with the copy the tarball ships
// (native-sources.js), then build the host's prebuild (node-gyp-build layout) that ships beside it. The prebuild
// is compiled in a staging copy that has only the tarball's layout, which proves that layout builds and leaves the
// package's build/ (used by running tests) alone. postpack puts the ./native symlink back.
//   node ../../scripts/packaging/prebuild-host.js <native dir...>   (run with the package as working directory)
'use strict';
const { execFileSync } = require('node:child_process');
const { cpSync, mkdirSync, mkdtempSync: makeTemp, readdirSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { buildEnv } = require('../../native/common/install-addon.js');
const { copyNativeSources } = require('./native-sources.js');

const pkg = process.cwd();
const copy = copyNativeSources(pkg, process.argv.slice(2));

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
  const tag = `${process.platform}-${process.arch}`;
  const from = path.join(stage, 'prebuilds', tag);
  const to = path.join(pkg, 'prebuilds', tag);
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
