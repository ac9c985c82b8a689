/**
 * Runs a child fixture (fixtures/free-port-child.ts by default) inside a netns and reads its JSON lines. Each fixture
 * is bundled once with esbuild (tsup's bundler, already installed): dozens of children compiling TypeScript through
 * tsx at once would take minutes on a shared 2-core machine; the bundle starts like plain node.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Netns } from '../helpers/netns.js';

const SOURCE = fileURLToPath(new URL('./fixtures/free-port-child.ts', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('../../tsconfig.json', import.meta.url));
const bundled = new Map<string, Promise<string>>();

/** The fixture `source` as one ESM file (built on first use). */
export function childScript(source: string = SOURCE): Promise<string> {
  let script = bundled.get(source);
  if (script) return script;
  script = (async () => {
    const outfile = join(mkdtempSync(join(tmpdir(), 'free-port-child-')), 'child.mjs');
    await build({
      entryPoints: [source],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      tsconfig: TSCONFIG,
      logLevel: 'error',
      // The Linux addon is found relative to its package at run time; keep its loader's requires real.
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    return outfile;
  })();
  bundled.set(source, script);
  return script;
}

export interface RunningChild<T> {
  child: ChildProcess;
  /** The first JSON line the child printed. Rejects when it exits first (with its stderr). */
  answer: Promise<T>;
  /** The JSON line number `index` (0 = `answer`). */
  line<U>(index: number): Promise<U>;
  /** Closes its stdin (holders then exit) and waits for the exit. */
  stop(): Promise<void>;
  /** What it wrote to stderr so far. */
  stderr(): string;
}

/** Which fixture to run (default fixtures/free-port-child.ts), and its environment. */
export interface ChildOptions {
  source?: string;
  env?: NodeJS.ProcessEnv;
}

export async function startChild<T>(ns: Netns, request: object, options: ChildOptions = {}): Promise<RunningChild<T>> {
  const script = await childScript(options.source);
  const child = ns.spawnNode(script, [JSON.stringify(request)], options.env ? { env: options.env } : {});
  let buffer = '';
  let stderr = '';
  let ended: Error | undefined;
  const lines: unknown[] = [];
  const waiters: { index: number; resolve(v: unknown): void; reject(e: Error): void }[] = [];
  const flush = () => {
    for (const w of [...waiters]) {
      if (w.index < lines.length || ended) {
        waiters.splice(waiters.indexOf(w), 1);
        const value = lines[w.index] as { error?: unknown } | undefined;
        if (value === undefined) w.reject(ended!);
        else if (value.error) w.reject(new Error(`child failed: ${JSON.stringify(value.error)}\n${stderr}`));
        else w.resolve(value);
      }
    }
  };
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout?.on('data', (d: Buffer) => {
    buffer += d.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) !== -1) {
      lines.push(JSON.parse(buffer.slice(0, nl)));
      buffer = buffer.slice(nl + 1);
    }
    flush();
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = new Error(`child exited (${code ?? signal}) before answering:\n${stderr}`);
      flush();
      resolve();
    }),
  );
  const line = <U>(index: number) => new Promise<U>((resolve, reject) => {
    waiters.push({ index, resolve: resolve as (v: unknown) => void, reject });
    flush();
  });
  const answer = line<T>(0);
  answer.catch(() => undefined);
  return {
    child,
    answer,
    line,
    async stop() {
      child.stdin?.end();
      await exited;
    },
    stderr: () => stderr,
  };
}

/** Runs a child to completion and returns its answer. */
export async function runChild<T>(ns: Netns, request: object, options?: ChildOptions): Promise<T> {
  const running = await startChild<T>(ns, request, options);
  try {
    return await running.answer;
  } finally {
    await running.stop();
  }
}

/** Writes a sysctl inside the namespace, or throws with sysctl's stderr. */
export async function sysctl(ns: Netns, key: string, value: string): Promise<void> {
  const r = await ns.exec('/usr/sbin/sysctl', ['-q', '-w', `${key}=${value}`]);
  if (r.code !== 0) throw new Error(`sysctl -w ${key}=${value} failed: ${r.stderr}`);
}
