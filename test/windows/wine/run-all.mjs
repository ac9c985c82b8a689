/**
 * Runs every Wine test file in ONE Windows node.exe process (node:test runs the tests registered by the imported
 * modules and sets the exit code). Not `node --test`: under Wine its parent process sometimes never exits after
 * a child test process spawned a console program, and each Wine process start is slow.
 * Usage: node.exe run-all.mjs [file.test.mjs ...]   (default: every *.test.mjs next to this file)
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const here = fileURLToPath(new URL('.', import.meta.url));
const files = process.argv.slice(2).length
  ? process.argv.slice(2).map((f) => resolve(f))
  : readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => resolve(here, f));
for (const file of files) await import(pathToFileURL(file).href);
