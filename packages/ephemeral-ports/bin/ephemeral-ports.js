#!/usr/bin/env node
'use strict';
// CommonJS shim: the CLI is bundled to dist/cli.js (see tsup.config.ts); it loads each command on demand.
// `usage` starts its socket census first, so that the kernel works while the CLI loads (src/cli/early-census.ts).
if (process.argv[2] === 'usage') require('../dist/boot.js').startEarlyCensus();
require('../dist/cli.js').run();
