#!/usr/bin/env node
'use strict';
// CommonJS shim: the CLI is bundled to dist/cli.js (see tsup.config.ts); it loads each command on demand.
// `usage` starts its socket census first, so that the kernel works while the CLI loads (src/cli/early-census.ts).
// Only a speed-up: whatever goes wrong there, the command runs and does its own census.
if (process.argv[2] === 'usage') {
  try {
    require('../dist/boot.js').startEarlyCensus();
  } catch {}
}
require('../dist/cli.js').run();
