/**
 * What a package's binding.gyp compiles (sources, defines, include dirs, libraries), so the prebuilds and
 * `node-gyp rebuild` from the shipped sources build the same files. binding.gyp is a Python literal; ours are JSON
 * plus `#` comments. Each target keeps its settings in the first branch of its `conditions` (the OS it builds on).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** @returns {{ name: string, sources: string[], defines: string[], includeDirs: string[], libraries: string[] }} */
export function readBinding(packageDir) {
  const gyp = parseGyp(join(packageDir, 'binding.gyp'));
  const [target] = gyp.targets;
  const branch = target.conditions?.[0]?.[1] ?? target;
  const common = (gyp.includes ?? []).map((file) => ({ file, data: parseGyp(join(packageDir, file)).target_defaults ?? {} }));
  return {
    name: target.target_name,
    sources: (branch.sources ?? []).map((s) => resolve(packageDir, s)),
    defines: [...common.flatMap((c) => c.data.defines ?? []), ...(branch.defines ?? [])],
    // gyp resolves an included file's include_dirs from that file's folder.
    includeDirs: [
      ...common.flatMap((c) => (c.data.include_dirs ?? []).map((d) => resolve(packageDir, dirname(c.file), d))),
      ...(branch.include_dirs ?? []).map((d) => resolve(packageDir, d)),
    ],
    libraries: (branch.libraries ?? []).map((l) => l.replace(/\.lib$/, '')),
  };
}

function parseGyp(file) {
  const text = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.replace(/^\s*#.*$/, ''))
    .join('\n');
  return JSON.parse(text);
}
