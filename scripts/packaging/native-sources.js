#!/usr/bin/env node
// npm packs only files inside a package folder, but the addons' C++ lives in the repo's top-level native/.
// `prepack` copies what a package needs into <package>/native/ and `postpack` removes the copy again; each
// binding.gyp uses ./native when present (a tarball, or between prepack and postpack) and ../../native otherwise.
//   node ../../scripts/packaging/native-sources.js copy <dir...>   (run with the package as working directory)
//   node ../../scripts/packaging/native-sources.js remove
'use strict';
const { cpSync, rmSync } = require('node:fs');
const path = require('node:path');

const repoNative = path.resolve(__dirname, '..', '..', 'native');

/** Copies native/<dir> for each dir (e.g. common, linux) into <pkg>/native. */
function copyNativeSources(pkg, dirs) {
  const copy = path.join(pkg, 'native');
  rmSync(copy, { recursive: true, force: true });
  for (const dir of dirs) {
    cpSync(path.join(repoNative, dir), path.join(copy, dir), { recursive: true });
  }
  return copy;
}

function removeNativeSources(pkg) {
  rmSync(path.join(pkg, 'native'), { recursive: true, force: true });
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
