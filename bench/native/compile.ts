/**
 * Compiles one of the C floor programs in bench/native/ into a temporary folder, for a suite to run beside the
 * addon. Null (and a note on stderr) without a compiler; `dispose()` removes the folder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_DIR } from '../../test/helpers/netns.js';

const CC = '/usr/bin/cc';
const FLOORS = { 'pread-floor': 'pread-floor.c', 'sock-diag-floor': 'sock-diag-floor.c', 'run-measured': 'run-measured.c', 'socket-holder': 'socket-holder.c' } as const;

export interface CompiledFloor {
  exe: string;
  dispose(): void;
}

export function compileFloor(name: keyof typeof FLOORS, suite: string): CompiledFloor | null {
  if (!existsSync(CC)) {
    console.error(`${suite}: no ${name} row (${CC} is missing)`);
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const exe = join(dir, name);
  try {
    execFileSync(CC, ['-O2', '-o', exe, join(ROOT_DIR, 'bench/native', FLOORS[name])]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { exe, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
