#!/usr/bin/env node
// In the repo, each addon package's ./native is a symlink to the top-level native/ (so its binding.gyp and
// native/common/common.gypi resolve the same way in the repo and in a tarball). npm pack leaves symlinks out, so
// `prepack` replaces the link with a copy of what the package builds from, and `postpack` puts the link back.
//   node ../../scripts/packaging/native-sources.js copy <dir...>   (run with the package as working directory)
//   node ../../scripts/packaging/native-sources.js remove
'use strict';
const { cpSync, lstatSync, rmSync, symlinkSync } = require('node:fs');
const path = require('node:path');

const repoNative = path.resolve(__dirname, '..', '..', 'native');
const LINK_TARGET = path.join('..', '..', 'native');

/** Replaces <pkg>/native with a copy of native/<dir> for each dir (e.g. common, linux). */
function copyNativeSources(pkg, dirs) {
  const copy = path.join(pkg, 'native');
  rmSync(copy, { recursive: true, force: true });
  // Timestamps kept: the prebuild step compares them with its outputs' (scripts/prebuild/prebuild-all.mjs).
  for (const dir of dirs) cpSync(path.join(repoNative, dir), path.join(copy, dir), { recursive: true, preserveTimestamps: true });
  return copy;
}

/** Puts the repo's symlink back in place of the copy. */
function removeNativeSources(pkg) {
  const copy = path.join(pkg, 'native');
  if (isLink(copy)) return;
  rmSync(copy, { recursive: true, force: true });
  symlinkSync(LINK_TARGET, copy);
}

function isLink(file) {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

module.exports = { copyNativeSources, removeNativeSources };

if (require.main === module) {
  const [command, ...dirs] = process.argv.slice(2);
  const pkg = process.cwd();
  if (command === 'copy' && dirs.length > 0) copyNativeSources(pkg, dirs);
  else if (command === 'remove') removeNativeSources(pkg);
  else {
    console.error('usage: native-sources.js copy <dir...> | remove');
    process.exit(2);
  }
}
