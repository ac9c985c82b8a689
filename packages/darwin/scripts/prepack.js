#!/usr/bin/env node
// `npm pack`/`npm publish`: npm packs only files inside the package folder, but the C++ lives in the repo's
// top-level native/. Copy it into ./native (binding.gyp finds it via native-root.js). Prebuilds for
// darwin-x64/arm64 are made on macOS CI (`npx prebuildify --napi --strip`) and dropped into prebuilds/ before this.
'use strict';
const { cpSync, rmSync } = require('node:fs');
const path = require('node:path');

const pkg = path.resolve(__dirname, '..');
const repoNative = path.resolve(pkg, '..', '..', 'native');
const copy = path.join(pkg, 'native');
rmSync(copy, { recursive: true, force: true });
for (const dir of ['common', 'bsd']) {
  cpSync(path.join(repoNative, dir), path.join(copy, dir), { recursive: true });
}
