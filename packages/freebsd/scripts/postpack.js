#!/usr/bin/env node
// Removes the native/ copy that prepack made, so the repo keeps one source of truth.
'use strict';
const { rmSync } = require('node:fs');
const path = require('node:path');

rmSync(path.join(__dirname, '..', 'native'), { recursive: true, force: true });
