#!/usr/bin/env node
'use strict';
// Writes man/ephemeral-ports.1 from the built CLI's --help texts (package.json "man" installs it). Runs after tsup.
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = join(__dirname, '..', 'man');
require('../dist/cli.js')
  .manPageText()
  .then((text) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ephemeral-ports.1'), text);
  })
  .catch((error) => {
    console.error(`man page: ${error.stack ?? error}`);
    process.exitCode = 1;
  });
