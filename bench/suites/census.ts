/**
 * Socket census at scale: ≥ 30,000 TCP sockets in a private network namespace (bench/holder-workload.ts: 15,000
 * connections in socket-holder processes, each below the 20,000 open-file cap), then, measured from a process inside that namespace:
 *   - the census as a caller gets it (sock_diag, decoded to SocketEntry objects), TCP only so it lists what the
 *     anchors list, and also TCP+UDP; split into the addon's dump and the JS decoding;
 *   - the census as the reports take it (`aggregate: true`: counted in C++, no list);
 *   - anchor 1: spawning `ss -tanH` from Node and counting its lines (goal: census ≤ 0.5× its time);
 *   - anchor 2: reading and parsing /proc/net/tcp + tcp6 in JS (context: what the /proc fallback would cost; the
 *     ≥ 10× goal belonged to the eBPF census, removed because it needed root and Linux ≥ 6.15: docs/census.md);
 *   - extra RSS while the census runs (goal ≤ 64 MB);
 *   - for context, the floor: the same sock_diag dump in plain C (bench/native/sock-diag-floor.c).
 * Medians of interleaved runs. Every process is killed and the namespace released at the end. `--quick`: 10,000
 * sockets, 3 runs.
 *
 * The same file is the measuring child: started with CHILD_FLAG inside the namespace, it prints one JSON line.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { NSENTER, ROOT_DIR, canUseNetns, NETNS_UNAVAILABLE, type Netns } from '../../test/helpers/netns.js';
import { percentile, runIfChild } from '../measure.js';
import { compileFloor } from '../native/compile.js';
import { progress, quick } from '../progress.js';
import { createHolderWorkload } from '../holder-workload.js';
import type { BenchRow, BenchSuite } from '../types.js';

const CHILD_FLAG = '--census-bench-child';
/** The compiled floor program, passed to the child; unset without a compiler. */
const FLOOR_ENV = 'EPHEMERAL_PORTS_BENCH_DIAG_FLOOR';
const SS = '/usr/bin/ss';
/** `--quick` lists a third as many: the ratios hold, the workload builds in a third of the time. */
const CONNECTIONS = quick ? 5_000 : 15_000;
const RUNS = Number(process.env.EPHEMERAL_PORTS_BENCH_CENSUS_RUNS ?? (quick ? 3 : 21));
const RSS_GOAL_MB = 64;
/**
 * Idle time before every timed sample (subject and anchors alike): V8 finishes the previous sample's garbage on
 * background threads, which would otherwise compete with the next sample for this VM's 2 cores.
 */
const SETTLE_MS = Number(process.env.EPHEMERAL_PORTS_BENCH_SETTLE_MS ?? 30);
/** USER_HZ: /proc reports CPU times in these ticks; 100 on every mainstream Linux. */
const CLOCK_TICKS = 100;

// ---------------------------------------------------------------------------------------------------------------
// The measuring child (inside the namespace).

interface ChildResult {
  sockets: { tcp: number; all: number; ss: number; proc: number };
  source: string;
  censusTcpMs: number;
  censusAllMs: number;
  ssMs: number;
  procMs: number;
  /** Mean CPU ms per run (user + system; for ss including the ss process): robust against a busy host. */
  cpu: { census: number; aggregate: number; ss: number; proc: number; dump: number; decode: number };
  /** The census with counts and no list (`aggregate: true`), median wall ms. */
  aggregateMs: number;
  /** Of the census: the addon's sock_diag dump alone and the JS decoding alone (median wall ms). */
  dumpMs: number;
  /** The same dump in plain C, replies only counted (median wall ms); null without a compiler. */
  floorMs: number | null;
  decodeMs: number;
  extraRssMb: number;
  /** The process's first census (TCP+UDP), with its cold code paths. */
  firstMs: number;
}

/** CPU ms of this process plus its reaped children (utime, stime, cutime, cstime of /proc/self/stat). */
function cpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: state is field 3, so utime..cstime (fields 14-17) are at indices 11-14.
  const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  return (ticks * 1000) / CLOCK_TICKS;
}

function ssLineCount(): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(SS, ['-tanH'], { maxBuffer: 256 * 1024 * 1024 }, (error, stdout) => {
      if (error) reject(error);
      else {
        let n = 0;
        for (let i = stdout.indexOf('\n'); i !== -1; i = stdout.indexOf('\n', i + 1)) n++;
        resolve(n);
      }
    });
  });
}

async function childMain(): Promise<void> {
  const { createLinuxCensus, decodeRecords, hasCensus, parseProcNetTable } = await import('../../packages/linux/src/census/index.js');
  const { loadNativeBinding } = await import('../../packages/linux/src/native.js');
  const loaded = loadNativeBinding();
  if (!loaded.binding || !hasCensus(loaded.binding)) throw new Error(`addon without census: ${loaded.fallbackReason ?? 'no census export'}`);
  const binding = loaded.binding;
  const census = createLinuxCensus(binding);
  const procTcp = async () => {
    const [v4, v6] = await Promise.all([readFile('/proc/net/tcp', 'latin1'), readFile('/proc/net/tcp6', 'latin1')]);
    return parseProcNetTable(v4, 'tcp', 4).length + parseProcNetTable(v6, 'tcp', 6).length;
  };

  // Extra RSS first, in a fresh process: the high-water mark before and after one full census, with the result
  // kept alive while measuring.
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const maxBefore = process.resourceUsage().maxRSS * 1024;
  const firstStart = process.hrtime.bigint();
  const kept = await census();
  const firstMs = Number(process.hrtime.bigint() - firstStart) / 1e6;
  const extra = Math.max(process.memoryUsage().rss - rssBefore, process.resourceUsage().maxRSS * 1024 - Math.max(maxBefore, rssBefore));
  const all = kept.sockets.length;

  const time = async (fn: () => Promise<unknown>) => {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const start = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const samples = { aggregate: [] as number[], censusTcp: [] as number[], censusAll: [] as number[], ss: [] as number[], proc: [] as number[], dump: [] as number[], decode: [] as number[], floor: [] as number[] };
  const floorExe = process.env[FLOOR_ENV];
  const runFloor = (exe: string) => (JSON.parse(execFileSync(exe, { encoding: 'utf8' })) as { ms: number }).ms;
  const cpu = { census: 0, aggregate: 0, ss: 0, proc: 0, dump: 0, decode: 0 };
  const timed = async (name: keyof typeof cpu, list: number[], fn: () => Promise<unknown>) => {
    const c = cpuMs();
    list.push(await time(fn));
    cpu[name] += cpuMs() - c;
  };
  let counts = { tcp: 0, ss: 0, proc: 0 };
  for (let i = 0; i < 3; i++) {
    counts = {
      tcp: (await census({ protocols: ['tcp'] })).sockets.length,
      ss: await ssLineCount(),
      proc: await procTcp(),
    };
  }
  const tcpOnly = { tcp: true, udp: false, v4: true, v6: true } as const;
  let raw = await binding.census(tcpOnly);
  for (let i = 0; i < RUNS; i++) {
    // Interleaved, so a load change on the machine hits subject and anchors alike.
    await timed('census', samples.censusTcp, () => census({ protocols: ['tcp'] }));
    await timed('aggregate', samples.aggregate, () => census({ protocols: ['tcp'], aggregate: true }));
    await timed('ss', samples.ss, ssLineCount);
    await timed('proc', samples.proc, procTcp);
    await timed('dump', samples.dump, async () => (raw = await binding.census(tcpOnly)));
    await timed('decode', samples.decode, async () => decodeRecords(raw));
    samples.censusAll.push(await time(() => census()));
    if (floorExe) samples.floor.push(runFloor(floorExe));
  }
  const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 0.5);
  const perRun = (ms: number) => ms / RUNS;
  const result: ChildResult = {
    sockets: { tcp: counts.tcp, all, ss: counts.ss, proc: counts.proc },
    source: kept.source,
    censusTcpMs: median(samples.censusTcp),
    aggregateMs: median(samples.aggregate),
    censusAllMs: median(samples.censusAll),
    ssMs: median(samples.ss),
    procMs: median(samples.proc),
    cpu: { census: perRun(cpu.census), aggregate: perRun(cpu.aggregate), ss: perRun(cpu.ss), proc: perRun(cpu.proc), dump: perRun(cpu.dump), decode: perRun(cpu.decode) },
    dumpMs: median(samples.dump),
    decodeMs: median(samples.decode),
    floorMs: floorExe ? median(samples.floor) : null,
    extraRssMb: extra / 2 ** 20,
    firstMs,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// The suite (outside the namespace): build the workload, run the child, clean up.

function runChild(ns: Netns, floorExe: string | null): Promise<ChildResult> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    execFile(
      NSENTER,
      [`--net=${ns.path}`, '--', process.execPath, '--expose-gc', '--import', 'tsx', self, CHILD_FLAG],
      { cwd: ROOT_DIR, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...(floorExe && { [FLOOR_ENV]: floorExe }) } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`census bench child failed: ${String(stderr).trim() || error.message}`));
        else resolve(JSON.parse(String(stdout).trim().split('\n').pop()!) as ChildResult);
      },
    );
  });
}

/** The floor program's row beside the /proc anchor; none when it could not be compiled. */
function floorRow(name: string, ms: number | null, procMs: number): BenchRow[] {
  if (ms === null) return [];
  const goal = 'info: the best proc/census ratio sock_diag can reach here';
  return [{ name, value: ms, unit: 'ms', anchor: 'read+parse /proc/net/tcp+tcp6 in JS', anchorValue: procMs, ratio: procMs / ms, goal }];
}

const suite: BenchSuite = {
  name: 'census',
  async run(): Promise<BenchRow[]> {
    if (!canUseNetns) throw new Error(`the census bench needs a private network namespace: ${NETNS_UNAVAILABLE}`);
    const floor = compileFloor('sock-diag-floor', 'census');
    const holder = compileFloor('socket-holder', 'census');
    if (!holder) throw new Error('the census bench needs a C compiler for bench/native/socket-holder.c');
    const started = Date.now();
    const workload = await createHolderWorkload(holder.exe, 2 * CONNECTIONS).catch((error: unknown) => {
      holder.dispose();
      floor?.dispose();
      throw error;
    });
    try {
      progress(`census: ${2 * CONNECTIONS} sockets ready in ${Date.now() - started} ms; measuring ${RUNS} interleaved runs`);
      const expected = CONNECTIONS;
      const r = await runChild(workload.ns, floor?.exe ?? null);
      progress(`census: sock_diag → SocketEntry[] ${r.censusTcpMs.toFixed(1)} ms, counts only ${r.aggregateMs.toFixed(1)} ms, ss ${r.ssMs.toFixed(1)} ms`);
      const sockets = r.sockets.tcp;
      if (r.source !== 'netlink:sock_diag') throw new Error(`census used ${r.source}, not sock_diag`);
      if (sockets < 2 * expected) throw new Error(`census saw ${sockets} TCP sockets, expected ≥ ${2 * expected}`);
      const ssRatio = r.censusTcpMs / r.ssMs;
      const procRatio = r.procMs / r.censusTcpMs;
      return [
        { name: `TCP sockets in the namespace (census / ss / /proc)`, value: sockets, unit: 'sockets', anchor: 'ss -tanH lines', anchorValue: r.sockets.ss, goal: `≥ ${2 * CONNECTIONS}`, pass: sockets >= 2 * CONNECTIONS && r.sockets.ss === sockets && r.sockets.proc === sockets },
        { name: 'census TCP (sock_diag → SocketEntry[])', value: r.censusTcpMs, unit: 'ms', anchor: 'spawn ss -tanH + count lines', anchorValue: r.ssMs, ratio: ssRatio, goal: 'ratio ≤ 0.5 (census/ss)', pass: ssRatio <= 0.5 },
        { name: 'census TCP with counts, no list (aggregate: true)', value: r.aggregateMs, unit: 'ms', anchor: 'spawn ss -tanH + count lines', anchorValue: r.ssMs, ratio: r.aggregateMs / r.ssMs, goal: 'ratio ≤ 0.5 (census/ss)', pass: r.aggregateMs / r.ssMs <= 0.5 },
        { name: 'CPU per census TCP with counts (user+sys)', value: r.cpu.aggregate, unit: 'ms', anchor: 'CPU per ss -tanH (node + ss)', anchorValue: r.cpu.ss, ratio: r.cpu.aggregate / r.cpu.ss, goal: 'info: ratio census/ss' },
        { name: 'census TCP (sock_diag → SocketEntry[])', value: r.censusTcpMs, unit: 'ms', anchor: 'read+parse /proc/net/tcp+tcp6 in JS', anchorValue: r.procMs, ratio: procRatio, goal: 'info: ratio proc/census' },
        { name: `census TCP+UDP, all families (${r.sockets.all} sockets)`, value: r.censusAllMs, unit: 'ms' },
        { name: '  the same, first in a process', value: r.firstMs, unit: 'ms' },
        { name: '  of census TCP: addon listing (the sock_diag dump)', value: r.dumpMs, unit: 'ms' },
        { name: '  of census TCP: JS decode to SocketEntry[]', value: r.decodeMs, unit: 'ms' },
        ...floorRow('C floor: the same sock_diag dump, no Node (bench/native/sock-diag-floor.c)', r.floorMs, r.procMs),
        { name: 'CPU per census TCP (user+sys)', value: r.cpu.census, unit: 'ms', anchor: 'CPU per ss -tanH (node + ss)', anchorValue: r.cpu.ss, ratio: r.cpu.census / r.cpu.ss, goal: 'info: ratio census/ss' },
        { name: 'CPU per census TCP (user+sys)', value: r.cpu.census, unit: 'ms', anchor: 'CPU per /proc/net/tcp* parse', anchorValue: r.cpu.proc, ratio: r.cpu.proc / r.cpu.census, goal: 'info: ratio proc/census' },
        { name: 'extra RSS during one census', value: r.extraRssMb, unit: 'MB', goal: `≤ ${RSS_GOAL_MB} MB`, pass: r.extraRssMb <= RSS_GOAL_MB },
      ];
    } finally {
      await workload.close();
      floor?.dispose();
      holder.dispose();
    }
  },
};
export default suite;

runIfChild(process.argv.includes(CHILD_FLAG), childMain);
