#!/usr/bin/env node
'use strict';
// CommonJS shim: the CLI is bundled to dist/cli.js (see tsup.config.ts); it loads each command on demand.
require('../dist/cli.js').run();
