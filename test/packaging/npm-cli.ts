/** Runs npm and node as child processes for the packaging tests (absolute paths, no shell). */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Resolves with the exit code and output; never rejects on a non-zero exit (callers assert on it). */
export function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/** Like run(), but rejects with the whole output when the exit code is not 0. */
export async function runOk(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  const result = await run(file, args, cwd, env);
  if (result.code !== 0) {
    throw new Error(`${file} ${args.join(' ')} exited ${result.code} in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** Shared objects (addons) mapped into a process, from its /proc/<pid>/maps text. */
export function nativeAddonsIn(maps: string): string[] {
  const paths = maps.split('\n').map((line) => line.trim().split(/\s+/)[5] ?? '');
  return [...new Set(paths.filter((p) => p.endsWith('.node')))];
}

/** The live Linux range the kernel reports, for comparison with what the installed package reads. */
export function liveRange(): { low: number; high: number } {
  const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'latin1').trim().split(/\s+/).map(Number);
  return { low: low!, high: high! };
}
