/**
 * Big hosts: `ephemeral-ports usage --json` as a whole process against `ss -tanH` with 1,000,000 real TCP sockets
 * (not a replayed capture) in a private network namespace, held by about fifty bench/native/socket-holder.c
 * processes (bench/holder-workload.ts), each below the 20,000 open-file cap. Goals: usage ≤ 2× ss (wall time),
 * and peak RSS ≤ `node -e 0`'s + 25 MB per 100,000 sockets (the usage suite's bound, scaled linearly).
 * A profile row says where usage's time goes: Node's start, module loading and the rest of the process, the
 * sock_diag dump, the C++ counting, and the JavaScript report (decode of the counts, analyzeUsage, JSON).
 * Also `usage --by-process --json` (owners found through /proc/<pid>/fd and counted per process in C++) against
 * `ss -tanpH`, which finds owners by the same walk. `--quick` uses 100,000 sockets and leaves out the by-process
 * rows. Needs the built packages (`npm run build`) and a C compiler.
 *
 * The same file is the measuring child: started with CHILD_FLAG inside the namespace, it prints one JSON line.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NSENTER, ROOT_DIR, canUseNetns, NETNS_UNAVAILABLE } from '../../test/helpers/netns.js';
import { createHolderWorkload } from '../holder-workload.js';
import { percentile, runIfChild } from '../measure.js';
import { compileFloor } from '../native/compile.js';
import { progress, quick } from '../progress.js';
import type { BenchRow, BenchSuite } from '../types.js';

const CHILD_FLAG = '--big-host-bench-child';
const SS = '/usr/bin/ss';
const RUNNER_ENV = 'EPHEMERAL_PORTS_BENCH_RUN_MEASURED';
const BIN = process.env.EPHEMERAL_PORTS_BENCH_CLI ?? join(ROOT_DIR, 'packages/ephemeral-ports/bin/ephemeral-ports.js');
const SOCKETS = Number(process.env.EPHEMERAL_PORTS_BENCH_BIG_SOCKETS ?? (quick ? 100_000 : 1_000_000));
const RUNS = Number(process.env.EPHEMERAL_PORTS_BENCH_BIG_RUNS ?? (quick ? 2 : 5));
/** ss -p takes seconds per 100,000 sockets, so `--quick` leaves the by-process rows out. */
const BY_PROCESS_RUNS = Number(process.env.EPHEMERAL_PORTS_BENCH_BIG_BY_PROCESS_RUNS ?? (quick ? 0 : 1));
const RSS_MB_PER_100K = 25;
/**
 * ss -p takes time that grows faster than the sockets (minutes at a million); past this it is killed, and the row
 * says its time is a lower bound.
 */
const SS_OWNERS_LIMIT_S = 60;
const TIMEOUT = '/usr/bin/timeout';
const CLEAN_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', LC_ALL: 'C' };

interface Figures {
  wallMs: number;
  cpuMs: number;
  rssMb: number;
}

/** Where one in-process usage report spends its time (medians, ms). */
interface Profile {
  /** The process's first census (dump and counting): what a CLI run pays, cold code paths and fresh pages. */
  firstMs: number;
  dumpMs: number;
  dumpAndCountMs: number;
  decodeMs: number;
  analyzeMs: number;
  jsonMs: number;
}

interface ChildResult {
  sockets: number;
  ss: Figures;
  /** ss with its output to /dev/null: the anchor without the cost of a reader. */
  ssNull: Figures;
  node: Figures;
  usage: Figures;
  /** `usage --by-process --json` (owners found and counted in C++) and its anchor `ss -tanpH` (the same /proc walk). */
  byProcess?: Figures;
  /** With `timedOut`, ss -p was killed after SS_OWNERS_LIMIT_S: its time is a lower bound. */
  ssOwners?: Figures & { timedOut?: boolean };
  profile: Profile;
}

const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 0.5);

/** One run through bench/native/run-measured.c; stdout is counted in lines and dropped, never kept whole. */
function measuredRun(runner: string, file: string, args: readonly string[], output: 'count' | 'keep' | 'devnull' = 'count'): Promise<Figures & { lines: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(runner, [file, ...args], { env: CLEAN_ENV, stdio: ['ignore', output === 'devnull' ? 'ignore' : 'pipe', 'pipe'], timeout: (SS_OWNERS_LIMIT_S + 60) * 1000 });
    let lines = 0;
    let stdout = '';
    let stderr = '';
    const keep = output === 'keep';
    child.stdout?.on('data', (d: Buffer) => {
      for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) lines++;
      if (keep) stdout += String(d);
    });
    child.stderr?.on('data', (d: Buffer) => (stderr += String(d)));
    child.once('error', reject);
    child.once('close', (code) => {
      const text = stderr.trimEnd();
      if (code !== 0) return reject(new Error(`${file} ${args.join(' ')} failed (${code}): ${text}`));
      const m = JSON.parse(text.slice(text.lastIndexOf('\n') + 1)) as { wallMs: number; userMs: number; sysMs: number; maxRssKb: number };
      resolve({ wallMs: m.wallMs, cpuMs: m.userMs + m.sysMs, rssMb: m.maxRssKb / 1024, lines, stdout });
    });
  });
}

async function profileInProcess(): Promise<Profile> {
  const { hasCensus } = await import('../../packages/linux/src/census/index.js');
  const { loadNativeBinding } = await import('../../packages/linux/src/native.js');
  const { decodeAggregate } = await import('../../packages/linux/src/census/decode.js');
  const { analyzeUsage, PortSet } = await import('../../packages/core/src/index.js');
  const loaded = loadNativeBinding();
  if (!loaded.binding || !hasCensus(loaded.binding)) throw new Error(`addon without census: ${loaded.fallbackReason ?? 'no census export'}`);
  const binding = loaded.binding;
  const all = { tcp: true, udp: true, v4: true, v6: true } as const;
  const range = { low: 32768, high: 60999 };
  const samples = { dump: [] as number[], count: [] as number[], decode: [] as number[], analyze: [] as number[], json: [] as number[] };
  const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
  const first = process.hrtime.bigint();
  await binding.census({ ...all, aggregate: true });
  const firstMs = ms(first);
  for (let i = 0; i < RUNS; i++) {
    let t = process.hrtime.bigint();
    await binding.census(all);
    samples.dump.push(ms(t));
    t = process.hrtime.bigint();
    const native = await binding.census({ ...all, aggregate: true });
    samples.count.push(ms(t));
    if (native instanceof ArrayBuffer) throw new Error('addon built before aggregate: rebuild it');
    t = process.hrtime.bigint();
    const aggregate = decodeAggregate(native);
    samples.decode.push(ms(t));
    t = process.hrtime.bigint();
    const report = analyzeUsage({ census: { sockets: [], source: 'netlink:sock_diag', aggregate }, range, reserved: PortSet.EMPTY });
    samples.analyze.push(ms(t));
    t = process.hrtime.bigint();
    JSON.stringify(report, null, 2);
    samples.json.push(ms(t));
  }
  return { firstMs, dumpMs: median(samples.dump), dumpAndCountMs: median(samples.count), decodeMs: median(samples.decode), analyzeMs: median(samples.analyze), jsonMs: median(samples.json) };
}

async function childMain(): Promise<void> {
  const runner = process.env[RUNNER_ENV];
  if (!runner) throw new Error(`${RUNNER_ENV} is not set`);
  const subjects = {
    ss: [SS, ['-tanH']],
    ssNull: [SS, ['-tanH']],
    node: [process.execPath, ['-e', '0']],
    usage: [process.execPath, [BIN, 'usage', '--json']],
    byProcess: [process.execPath, [BIN, 'usage', '--by-process', '--json']],
    ssOwners: [TIMEOUT, ['-s', 'KILL', String(SS_OWNERS_LIMIT_S), SS, '-tanpH']],
  } as const;
  const run = (name: keyof typeof subjects, output: 'count' | 'keep' | 'devnull' = name === 'ssNull' ? 'devnull' : 'count') =>
    measuredRun(runner, subjects[name][0], subjects[name][1], output);
  const lines = (await run('ss')).lines;
  const report = JSON.parse((await run('usage', 'keep')).stdout) as { byState: { tcp: Record<string, number> } };
  const tcp = Object.values(report.byState.tcp).reduce((a, b) => a + b, 0);
  if (Math.abs(tcp - lines) > lines * 0.01 + 5) throw new Error(`usage counted ${tcp} TCP sockets, ss ${lines}`);
  if (BY_PROCESS_RUNS > 0) {
    const byProcess = JSON.parse((await run('byProcess', 'keep')).stdout) as { processes?: { tcp: number }[] };
    const owned = (byProcess.processes ?? []).reduce((a, p) => a + p.tcp, 0);
    if (owned < lines * 0.99) throw new Error(`usage --by-process found owners of ${owned} of ${lines} TCP sockets`);
  }
  const samples = { ss: [] as Figures[], ssNull: [] as Figures[], node: [] as Figures[], usage: [] as Figures[], byProcess: [] as Figures[], ssOwners: [] as Figures[] };
  for (let i = 0; i < RUNS; i++) {
    for (const name of ['ss', 'ssNull', 'node', 'usage'] as const) samples[name].push(await run(name));
  }
  // Fewer runs: both walk every process's descriptors, and ss -p takes minutes at a million sockets.
  for (let i = 0; i < BY_PROCESS_RUNS; i++) {
    samples.byProcess.push(await run('byProcess'));
    samples.ssOwners.push(await run('ssOwners').catch(() => ({ wallMs: SS_OWNERS_LIMIT_S * 1000, cpuMs: NaN, rssMb: NaN, timedOut: true })));
  }
  const figures = (list: Figures[]): Figures => ({ wallMs: median(list.map((f) => f.wallMs)), cpuMs: median(list.map((f) => f.cpuMs)), rssMb: median(list.map((f) => f.rssMb)) });
  const profile = await profileInProcess();
  const result: ChildResult = { sockets: lines, ss: figures(samples.ss), ssNull: figures(samples.ssNull), node: figures(samples.node), usage: figures(samples.usage), profile };
  if (BY_PROCESS_RUNS > 0) {
    const timedOut = samples.ssOwners.some((f) => (f as { timedOut?: boolean }).timedOut);
    Object.assign(result, { byProcess: figures(samples.byProcess), ssOwners: { ...figures(samples.ssOwners), ...(timedOut ? { timedOut } : {}) } });
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runChild(nsPath: string, runner: string): Promise<ChildResult> {
  const self = fileURLToPath(import.meta.url);
  const env = { ...process.env, [RUNNER_ENV]: runner };
  return new Promise((resolve, reject) => {
    execFile(NSENTER, [`--net=${nsPath}`, '--', process.execPath, '--import', 'tsx', self, CHILD_FLAG], { cwd: ROOT_DIR, env, maxBuffer: 16 * 1024 * 1024, timeout: 1_200_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`big-host bench child failed: ${String(stderr).trim() || error.message}`));
      else resolve(JSON.parse(String(stdout).trim().split('\n').pop()!) as ChildResult);
    });
  });
}

/** The profile as one line: usage's wall time split into its parts. */
export function profileSummary(r: ChildResult): string {
  const p = r.profile;
  const count = Math.max(0, p.dumpAndCountMs - p.dumpMs);
  const firstExtra = Math.max(0, p.firstMs - p.dumpAndCountMs);
  const report = p.decodeMs + p.analyzeMs + p.jsonMs;
  const rest = r.usage.wallMs - r.node.wallMs - p.dumpAndCountMs - firstExtra - report;
  const f = (n: number) => n.toFixed(0);
  return `node start ${f(r.node.wallMs)} + sock_diag dump ${f(p.dumpMs)} + C++ counting ${f(count)} + first census in a process, extra ${f(firstExtra)} + JS report ${f(report)} (decode ${f(p.decodeMs)}, analyzeUsage ${f(p.analyzeMs)}, JSON ${f(p.jsonMs)}) + module load and the rest ${f(rest)} ms`;
}

function byProcessRows(k: string, r: ChildResult, rssBound: number): BenchRow[] {
  const { byProcess, ssOwners } = r;
  if (!byProcess || !ssOwners) return [];
  const ratio = byProcess.wallMs / ssOwners.wallMs;
  return [
    { name: `${k}: usage --by-process --json (owners counted per process in C++)`, value: byProcess.wallMs, unit: 'ms', anchor: `ss -tanpH (owners by the same /proc walk)${ssOwners.timedOut ? `: killed after ${SS_OWNERS_LIMIT_S} s, a lower bound` : ''}`, anchorValue: ssOwners.wallMs, ratio, goal: 'ratio ≤ 2.0', pass: ratio <= 2 },
    { name: `${k}: peak RSS of usage --by-process --json`, value: byProcess.rssMb, unit: 'MB', anchor: 'the RSS bound of usage --json', anchorValue: rssBound, ratio: byProcess.rssMb / rssBound, goal: 'ratio ≤ 1.0', pass: byProcess.rssMb <= rssBound },
  ];
}

function rowsFor(r: ChildResult): BenchRow[] {
  const k = `${Math.round(r.sockets / 1000)}k`;
  const rssBound = r.node.rssMb + (RSS_MB_PER_100K * r.sockets) / 100_000;
  const ratio = r.usage.wallMs / r.ss.wallMs;
  return [
    { name: `${k} real sockets (socket-holder processes in a netns): usage --json, whole process`, value: r.usage.wallMs, unit: 'ms', anchor: 'ss -tanH', anchorValue: r.ss.wallMs, ratio, goal: 'ratio ≤ 2.0', pass: ratio <= 2 },
    {
      name: `${k}: usage --json, whole process`,
      value: r.usage.wallMs,
      unit: 'ms',
      anchor: 'ss -tanH >/dev/null (no reader)',
      anchorValue: r.ssNull.wallMs,
      ratio: r.usage.wallMs / r.ssNull.wallMs,
      goal: 'ratio ≤ 2.0',
      pass: r.usage.wallMs / r.ssNull.wallMs <= 2,
    },
    ...byProcessRows(k, r, rssBound),
    { name: `${k}: usage CPU (user+sys)`, value: r.usage.cpuMs, unit: 'ms', anchor: 'ss -tanH CPU', anchorValue: r.ss.cpuMs, ratio: r.usage.cpuMs / r.ss.cpuMs, goal: 'info: steadier than wall time on a loaded machine' },
    { name: `${k}: ns/socket, usage wall over node -e 0`, value: ((r.usage.wallMs - r.node.wallMs) * 1e6) / r.sockets, unit: 'ns', anchor: 'ss -tanH ns/socket', anchorValue: (r.ss.wallMs * 1e6) / r.sockets, goal: 'info' },
    {
      name: `${k}: peak RSS of usage --json`,
      value: r.usage.rssMb,
      unit: 'MB',
      anchor: `node -e 0 + ${((RSS_MB_PER_100K * r.sockets) / 100_000).toFixed(0)} MB (ss: ${r.ss.rssMb.toFixed(1)} MB)`,
      anchorValue: rssBound,
      ratio: r.usage.rssMb / rssBound,
      goal: 'ratio ≤ 1.0',
      pass: r.usage.rssMb <= rssBound,
    },
    { name: `${k}: profile of usage --json (wall ms): ${profileSummary(r)}`, value: r.usage.wallMs, unit: 'ms', goal: 'info: where the time goes' },
  ];
}

const suite: BenchSuite = {
  name: 'big-host',
  async run(): Promise<BenchRow[]> {
    if (!canUseNetns) throw new Error(`the big-host bench needs a private network namespace: ${NETNS_UNAVAILABLE}`);
    if (!existsSync(join(BIN, '../../dist/cli.js'))) throw new Error(`${join(BIN, '../../dist/cli.js')} is missing: run npm run build first`);
    const runner = compileFloor('run-measured', 'big-host');
    const holder = compileFloor('socket-holder', 'big-host');
    if (!runner || !holder) throw new Error('the big-host bench needs a C compiler for bench/native/*.c');
    const started = Date.now();
    let last = 0;
    const workload = await createHolderWorkload(holder.exe, SOCKETS, (held) => {
      if (held - last >= 100_000) progress(`big-host: ${held} sockets held`), (last = held);
    }).catch((error: unknown) => {
      runner.dispose();
      holder.dispose();
      throw error;
    });
    try {
      progress(`big-host: ${workload.sockets} sockets in ${workload.pids.length} processes ready in ${Date.now() - started} ms; measuring ${RUNS} interleaved runs`);
      const r = await runChild(workload.ns.path, runner.exe);
      progress(`big-host: usage ${r.usage.wallMs.toFixed(0)} ms vs ss ${r.ss.wallMs.toFixed(0)} ms; ${profileSummary(r)}`);
      return rowsFor(r);
    } finally {
      await workload.close();
      runner.dispose();
      holder.dispose();
    }
  },
};
export default suite;

runIfChild(process.argv.includes(CHILD_FLAG), childMain);
