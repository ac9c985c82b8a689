/**
 * `ephemeral-ports usage --json` as a whole process against `ss -tanH`, at 1k, 10k, 30k and 100k TCP sockets in a
 * private network namespace (bench/holder-workload.ts: socket-holder processes, each below the open-file cap).
 * Per size, from a process inside the namespace, interleaved runs of:
 *   - `ss -tanH` (the anchor), `node -e 0` (the floor every Node CLI pays) and `ephemeral-ports usage --json`;
 *   - goals: usage ≤ 1.0× ss at 30k and 100k; what usage adds over `node -e 0` ≤ 1.0× ss at every size;
 *   - ns per socket (usage time over `node -e 0`, divided by the sockets): linear scaling shows as a flat line;
 *   - peak RSS of usage against `node -e 0`'s + 25 MB;
 *   - CPU time (user + system) beside wall time: on a loaded machine it is the steadier figure;
 *   - a CPU profile of one more run, summarised (module loading, our JS, GC, native, idle: bench/cpu-profile.ts).
 * Every run goes through bench/native/run-measured.c (wait4: wall, CPU and peak RSS of exactly that process).
 * `--quick` (EPHEMERAL_PORTS_BENCH_QUICK=1) measures 1k and 10k with fewer runs. Needs the built packages
 * (`npm run build`): the CLI runs from packages/ephemeral-ports/bin, or from EPHEMERAL_PORTS_BENCH_CLI.
 *
 * The same file is the measuring child: started with CHILD_FLAG inside the namespace, it prints one JSON line.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NSENTER, ROOT_DIR, canUseNetns, NETNS_UNAVAILABLE } from '../../test/helpers/netns.js';
import { profileLine } from '../cpu-profile.js';
import { percentile, runIfChild } from '../measure.js';
import { compileFloor } from '../native/compile.js';
import { progress, quick } from '../progress.js';
import { createHolderWorkload } from '../holder-workload.js';
import type { BenchRow, BenchSuite } from '../types.js';

const CHILD_FLAG = '--usage-bench-child';
const SS = '/usr/bin/ss';
/** The compiled bench/native/run-measured.c, passed to the child. */
const RUNNER_ENV = 'EPHEMERAL_PORTS_BENCH_RUN_MEASURED';
/** The CLI measured: the built facade, or another build's bin (e.g. to compare two builds). */
const BIN = process.env.EPHEMERAL_PORTS_BENCH_CLI ?? join(ROOT_DIR, 'packages/ephemeral-ports/bin/ephemeral-ports.js');
/** Total TCP sockets per case: each connection is two, so the workload opens half as many connections. */
const SIZES = quick ? [1_000, 10_000] : [1_000, 10_000, 30_000, 100_000];
const RUNS = Number(process.env.EPHEMERAL_PORTS_BENCH_USAGE_RUNS ?? (quick ? 5 : 11));
const RSS_ALLOWANCE_MB = 25;
/** A clean environment, as a user's shell would start the CLI: no NODE_OPTIONS, no tsx. */
const CLEAN_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', LC_ALL: 'C' };

/** Medians per subject of its runs: wall ms, CPU ms (user + system), peak RSS MB. */
interface Figures {
  wallMs: number;
  cpuMs: number;
  rssMb: number;
}

interface ChildResult {
  sockets: number;
  ss: Figures;
  node: Figures;
  usage: Figures;
  /** Where one more usage run's time went (bench/cpu-profile.ts). */
  profile: string;
}

// ---------------------------------------------------------------------------------------------------------------
// The measuring child (inside the namespace).

/** One run through bench/native/run-measured.c: wall and CPU time from wait4, peak RSS; stdout drained by us. */
function measuredRun(runner: string, file: string, args: readonly string[]): Promise<{ wallMs: number; cpuMs: number; rssMb: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    execFile(runner, [file, ...args], { env: CLEAN_ENV, maxBuffer: 512 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) => {
      const text = String(stderr).trimEnd();
      if (error) return reject(new Error(`${file} ${args.join(' ')} failed: ${text || error.message}`));
      const m = JSON.parse(text.slice(text.lastIndexOf('\n') + 1)) as { wallMs: number; userMs: number; sysMs: number; maxRssKb: number };
      resolve({ wallMs: m.wallMs, cpuMs: m.userMs + m.sysMs, rssMb: m.maxRssKb / 1024, stdout: String(stdout) });
    });
  });
}

async function childMain(): Promise<void> {
  const runner = process.env[RUNNER_ENV];
  if (!runner) throw new Error(`${RUNNER_ENV} is not set`);
  const subjects = {
    ss: [SS, ['-tanH']],
    node: [process.execPath, ['-e', '0']],
    usage: [process.execPath, [BIN, 'usage', '--json']],
  } as const;
  const run = (name: keyof typeof subjects) => measuredRun(runner, subjects[name][0], subjects[name][1]);
  const lines = (await run('ss')).stdout.split('\n').filter(Boolean).length;
  const report = JSON.parse((await run('usage')).stdout) as { byState: { tcp: Record<string, number> } };
  const tcp = Object.values(report.byState.tcp).reduce((a, b) => a + b, 0);
  if (Math.abs(tcp - lines) > lines * 0.01 + 5) throw new Error(`usage counted ${tcp} TCP sockets, ss ${lines}`);
  const samples = { ss: [] as Figures[], node: [] as Figures[], usage: [] as Figures[] };
  for (let i = 0; i < RUNS; i++) {
    // Interleaved, so a load change on the machine hits subject and anchors alike.
    for (const name of ['ss', 'node', 'usage'] as const) samples[name].push(await run(name));
  }
  const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 0.5);
  const figures = (list: Figures[]): Figures => ({ wallMs: median(list.map((f) => f.wallMs)), cpuMs: median(list.map((f) => f.cpuMs)), rssMb: median(list.map((f) => f.rssMb)) });
  const result: ChildResult = { sockets: lines, ss: figures(samples.ss), node: figures(samples.node), usage: figures(samples.usage), profile: await profiledUsage(runner) };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** One more usage run under --cpu-prof (outside the timed runs: profiling slows it), summarised in one line. */
async function profiledUsage(runner: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'usage-prof-'));
  try {
    await measuredRun(runner, process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, BIN, 'usage', '--json']);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    return file ? profileLine(join(dir, file)) : 'no profile written';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The suite (outside the namespace).

function runChild(nsPath: string, runner: string): Promise<ChildResult> {
  const self = fileURLToPath(import.meta.url);
  const env = { ...process.env, [RUNNER_ENV]: runner };
  return new Promise((resolve, reject) => {
    execFile(NSENTER, [`--net=${nsPath}`, '--', process.execPath, '--import', 'tsx', self, CHILD_FLAG], { cwd: ROOT_DIR, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`usage bench child failed: ${String(stderr).trim() || error.message}`));
      else resolve(JSON.parse(String(stdout).trim().split('\n').pop()!) as ChildResult);
    });
  });
}

function label(sockets: number): string {
  return sockets >= 1000 ? `${Math.round(sockets / 1000)}k` : String(sockets);
}

function rowsFor(size: number, r: ChildResult): BenchRow[] {
  const k = label(size);
  const added = r.usage.wallMs - r.node.wallMs;
  const addedCpu = r.usage.cpuMs - r.node.cpuMs;
  const wholeGoal = size >= 30_000;
  const rssBound = r.node.rssMb + RSS_ALLOWANCE_MB;
  return [
    {
      name: `${k}: usage --json, whole process (${r.sockets} sockets)`,
      value: r.usage.wallMs,
      unit: 'ms',
      anchor: 'ss -tanH',
      anchorValue: r.ss.wallMs,
      ratio: r.usage.wallMs / r.ss.wallMs,
      ...(wholeGoal ? { goal: 'ratio ≤ 1.0', pass: r.usage.wallMs <= r.ss.wallMs } : { goal: 'info' }),
    },
    { name: `${k}: usage wall time over node -e 0 (${r.node.wallMs.toFixed(1)} ms)`, value: added, unit: 'ms', anchor: 'ss -tanH', anchorValue: r.ss.wallMs, ratio: added / r.ss.wallMs, goal: 'ratio ≤ 1.0', pass: added <= r.ss.wallMs },
    { name: `${k}: usage CPU over node -e 0 (${r.node.cpuMs.toFixed(1)} ms)`, value: addedCpu, unit: 'ms', anchor: 'ss -tanH CPU', anchorValue: r.ss.cpuMs, ratio: addedCpu / r.ss.cpuMs, goal: 'info: steadier than wall time on a loaded machine' },
    { name: `${k}: ns/socket, usage wall over node -e 0`, value: (added * 1e6) / r.sockets, unit: 'ns', anchor: 'ss -tanH ns/socket', anchorValue: (r.ss.wallMs * 1e6) / r.sockets, goal: 'info: flat across sizes' },
    { name: `${k}: profile of one usage --json (CPU profile): ${r.profile}`, value: r.usage.wallMs, unit: 'ms', goal: 'info: where the time goes' },
    {
      name: `${k}: peak RSS of usage --json`,
      value: r.usage.rssMb,
      unit: 'MB',
      anchor: `node -e 0 + ${RSS_ALLOWANCE_MB} MB (ss: ${r.ss.rssMb.toFixed(1)} MB)`,
      anchorValue: rssBound,
      ratio: r.usage.rssMb / rssBound,
      goal: 'ratio ≤ 1.0',
      pass: r.usage.rssMb <= rssBound,
    },
  ];
}

const suite: BenchSuite = {
  name: 'usage',
  async run(): Promise<BenchRow[]> {
    if (!canUseNetns) throw new Error(`the usage bench needs a private network namespace: ${NETNS_UNAVAILABLE}`);
    if (!existsSync(join(BIN, '../../dist/cli.js'))) throw new Error(`${join(BIN, '../../dist/cli.js')} is missing: run npm run build first`);
    const runner = compileFloor('run-measured', 'usage');
    if (!runner) throw new Error('the usage bench needs a C compiler for bench/native/run-measured.c');
    const holder = compileFloor('socket-holder', 'usage');
    if (!holder) throw new Error('the usage bench needs a C compiler for bench/native/socket-holder.c');
    const workload = await createHolderWorkload(holder.exe).catch((error: unknown) => {
      runner.dispose();
      holder.dispose();
      throw error;
    });
    const rows: BenchRow[] = [];
    try {
      for (const size of SIZES) {
        const started = Date.now();
        await workload.growTo(size);
        progress(`usage ${label(size)}: workload ready in ${Date.now() - started} ms; measuring ${RUNS} interleaved runs`);
        const r = await runChild(workload.ns.path, runner.exe);
        const own = rowsFor(size, r);
        rows.push(...own);
        const load = loadavg()[0]!.toFixed(1);
        progress(`usage ${label(size)}: ${r.usage.wallMs.toFixed(1)} ms (CPU ${r.usage.cpuMs.toFixed(1)}) vs ss ${r.ss.wallMs.toFixed(1)} ms (CPU ${r.ss.cpuMs.toFixed(1)}), node -e 0 ${r.node.wallMs.toFixed(1)} ms, RSS ${r.usage.rssMb.toFixed(1)} MB, load ${load}; ${own.filter((x) => x.pass === false).length} goal(s) missed`);
      }
      return rows;
    } finally {
      await workload.close();
      runner.dispose();
      holder.dispose();
    }
  },
};
export default suite;

runIfChild(process.argv.includes(CHILD_FLAG), childMain);
