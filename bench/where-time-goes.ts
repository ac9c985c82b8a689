/**
 * "Where the time goes" rows for cold-start lines: runs a node command many times under bench/load-trace.cjs and
 * reports the median ms of each part (resolving module paths, each package's files, addons, Node's built-ins, the
 * rest), so a short line in bench/RESULTS.md says what it is made of.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_DIR } from '../test/helpers/netns.js';
import { percentile } from './measure.js';

const PRELOAD = join(ROOT_DIR, 'bench/load-trace.cjs');

/** ms after Node's start: in all, and per part. */
export interface Trace {
  total: number;
  parts: Record<string, number>;
}

const LABELS: Record<string, string> = {
  resolving: "resolving module paths (Node's exports-map resolver compiles on first use)",
  addons: 'native addons (dlopen)',
  'built-ins': "Node's built-in modules",
  rest: "the rest (the program's own work, Node's module bookkeeping and ESM loader, event-loop turns)",
};

function traceOnce(args: string[], cwd: string, file: string): Promise<Trace> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, EPHEMERAL_PORTS_BENCH_TRACE: file };
    execFile(process.execPath, ['-r', PRELOAD, ...args], { cwd, env, timeout: 30_000 }, (error, _out, stderr) => {
      if (error) return reject(new Error(`node ${args.join(' ')} failed under the load trace: ${String(stderr).trim() || error.message}`));
      resolve(JSON.parse(readFileSync(file, 'utf8')) as Trace);
    });
  });
}

/** Medians over `runs` fresh processes of `node <args>`: the total and each part. */
export async function traceMedians(args: string[], runs: number, cwd = ROOT_DIR): Promise<Trace> {
  const dir = mkdtempSync(join(tmpdir(), 'ephemeral-ports-trace-'));
  try {
    const traces: Trace[] = [];
    for (let i = 0; i < runs; i++) traces.push(await traceOnce(args, cwd, join(dir, 'trace.json')));
    const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 0.5);
    const keys = [...new Set(traces.flatMap((t) => Object.keys(t.parts)))];
    const parts = Object.fromEntries(keys.map((k) => [k, median(traces.map((t) => t.parts[k] ?? 0))]));
    return { total: median(traces.map((t) => t.total)), parts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `<part> <ms> ms, <part> <ms> ms, …`, largest first, parts under 0.05 ms left out. */
export function describeParts(parts: Record<string, number>): string {
  return Object.entries(parts)
    .filter(([, ms]) => ms >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([key, ms]) => `${LABELS[key] ?? key} ${ms.toFixed(1)} ms`)
    .join(', ');
}
