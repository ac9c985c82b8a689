/**
 * Compiles one of the floor programs in bench/native/ into a temporary folder, for a suite to run beside the addon:
 * plain C, or C++ linked with the addon's own sources (no Node). Null (and a note on stderr) without a compiler;
 * `dispose()` removes the folder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_DIR } from '../../test/helpers/netns.js';

const CC = '/usr/bin/cc';
const CXX = '/usr/bin/c++';

/** Each floor's language and, for C++, the addon sources it links. */
const FLOORS = {
  'pread-floor': { compiler: CC, file: 'pread-floor.c', addon: [] },
  'sock-diag-floor': { compiler: CC, file: 'sock-diag-floor.c', addon: [] },
  'bpf-census-floor': { compiler: CXX, file: 'bpf-census-floor.cc', addon: ['linux/btf.cc', 'linux/bpf_load.cc', 'linux/bpf_walk.cc'] },
} as const;

export interface CompiledFloor {
  exe: string;
  dispose(): void;
}

export function compileFloor(name: keyof typeof FLOORS, suite: string): CompiledFloor | null {
  const floor = FLOORS[name];
  if (!existsSync(floor.compiler)) {
    console.error(`${suite}: no ${name} row (${floor.compiler} is missing)`);
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const exe = join(dir, name);
  const native = join(ROOT_DIR, 'native');
  const cxx = floor.addon.length === 0 ? [] : ['-std=c++17', '-pthread', `-I${join(native, 'linux')}`, `-I${join(native, 'common')}`];
  try {
    execFileSync(floor.compiler, ['-O2', ...cxx, '-o', exe, join(ROOT_DIR, 'bench/native', floor.file), ...floor.addon.map((f) => join(native, f))]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { exe, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
