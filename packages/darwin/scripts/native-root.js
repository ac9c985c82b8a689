#!/usr/bin/env node
// Prints the folder holding the addon's C++ (for binding.gyp): the repo's top-level native/ when building
// inside the monorepo, or the copy in ./native/ that `npm pack` put into the package.
'use strict';
const { existsSync, realpathSync } = require('node:fs');
const path = require('node:path');

const pkg = path.resolve(__dirname, '..');
const repoNative = path.resolve(pkg, '..', '..', 'native');
const inRepo =
  existsSync(path.join(repoNative, 'bsd', 'addon.cc')) &&
  realpathSync(path.resolve(repoNative, '..', 'packages', 'darwin')) === realpathSync(pkg);
if (inRepo) {
  process.stdout.write('../../native');
} else if (existsSync(path.join(pkg, 'native', 'bsd', 'addon.cc'))) {
  process.stdout.write('native');
} else {
  console.error(`@ephemeral-ports/darwin: no C++ sources in ${repoNative} or ${path.join(pkg, 'native')}`);
  process.exit(1);
}
