/**
 * A preload (`node -r bench/load-trace.cjs …`) that says where a process spends its time after Node's start: resolving
 * module paths, compiling and running each package's files, loading native addons and Node's built-in modules, and
 * the rest (Node's ESM loader, the program's own work, event-loop turns). Time is self time: a file's share excludes
 * what the files it requires take. At exit it writes `{ total, parts }` (ms) to the file named by
 * EPHEMERAL_PORTS_BENCH_TRACE. CommonJS because `-r` preloads run before any loader hook.
 */
'use strict';
const Module = require('node:module');
const { writeFileSync, readFileSync } = require('node:fs');
const { dirname, isAbsolute, join } = require('node:path');

const out = process.env.EPHEMERAL_PORTS_BENCH_TRACE;
const now = () => performance.now();
const start = now();
/** Self ms per key; a key is 'resolving', 'built-ins', 'addons' or a file's path (mapped to its package at exit). */
const self = new Map();
/** Open frames: each has its key and the time its children took. */
const stack = [];

function timed(key, fn) {
  const frame = { children: 0 };
  stack.push(frame);
  const t0 = now();
  try {
    return fn();
  } finally {
    const spent = now() - t0;
    stack.pop();
    self.set(key, (self.get(key) ?? 0) + spent - frame.children);
    if (stack.length) stack[stack.length - 1].children += spent;
  }
}

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (Module.isBuiltin(request)) return resolveFilename.call(this, request, ...rest);
  return timed('resolving', () => resolveFilename.call(this, request, ...rest));
};
const load = Module._load;
Module._load = function (request, ...rest) {
  if (!Module.isBuiltin(request)) return load.call(this, request, ...rest);
  return timed('built-ins', () => load.call(this, request, ...rest));
};
// Reading, compiling and running one file (or loading one addon), once its path is resolved.
const loadFile = Module.prototype.load;
Module.prototype.load = function (filename) {
  return timed(filename.endsWith('.node') ? 'addons' : filename, () => loadFile.call(this, filename));
};

/** The name in the nearest package.json above `file` (memoised per directory). */
const names = new Map();
function packageOf(file) {
  const dir = dirname(file);
  if (!names.has(dir)) {
    let name;
    try {
      name = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name;
    } catch {
      name = dir === dirname(dir) ? '(no package)' : packageOf(dir);
    }
    names.set(dir, name ?? packageOf(dirname(dir)));
  }
  return names.get(dir);
}

process.on('exit', () => {
  if (!out) return;
  const total = now() - start;
  const parts = {};
  for (const [key, ms] of self) {
    const part = isAbsolute(key) ? packageOf(key) : key;
    parts[part] = (parts[part] ?? 0) + ms;
  }
  parts.rest = total - Object.values(parts).reduce((a, b) => a + b, 0);
  writeFileSync(out, JSON.stringify({ total, parts }));
});
