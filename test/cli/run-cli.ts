/**
 * Runs the BUILT CLI (packages/ephemeral-ports/bin/ephemeral-ports.js → dist/cli.js) as a child process, the way
 * users run it. `npm test` builds first; run `npx tsup` in packages/ephemeral-ports after changing the sources.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'packages/ephemeral-ports/bin/ephemeral-ports.js');
export const MEMORY_BACKEND = join(ROOT, 'test/cli/fixtures/memory-backend.cjs');

export function assertBuilt(): void {
  if (!existsSync(join(ROOT, 'packages/ephemeral-ports/dist/cli.js'))) {
    throw new Error('packages/ephemeral-ports/dist/cli.js is missing: run `npx tsup` in packages/ephemeral-ports');
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/ephemeral-ports.js ...args` with `env` added to a clean environment (no NO_COLOR leaks). */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...base, ...env }, cwd: ROOT }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** A memory-backend environment whose state persists across CLI runs in a temp file. */
export interface MemoryEnv {
  env: NodeJS.ProcessEnv;
  state(): { range: { low: number; high: number }; reserved: Array<{ low: number; high: number }> } | null;
  cleanup(): void;
}

export function memoryEnv(extra: NodeJS.ProcessEnv = {}): MemoryEnv {
  const dir = mkdtempSync(join(tmpdir(), 'ep-cli-'));
  const statePath = join(dir, 'state.json');
  return {
    env: { EPHEMERAL_PORTS_BACKEND: MEMORY_BACKEND, EP_TEST_STATE: statePath, ...extra },
    state: () => (existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) : null),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
