/**
 * `ephemeral-ports/get-port` beside get-port itself, in one run:
 * - first call: `import` + the first `getPort()` in a fresh process, timed inside the process (Node's own start is
 *   the same for both), median of RUNS processes each, alternating. Goal ≤ 1.5× get-port. Needs `npm run build`.
 *   Beside it, for information: `require` + the first call (the CommonJS build), against get-port's `import`.
 * - 1,000 sequential `getPort()` calls in this process, interleaved in rounds of 100 (alternating which goes first)
 *   so that background load hits both alike; median ratio of REPEATS. Goal ≤ 0.75× get-port.
 * - duplicates: 64 processes × 100 `getPort()` started at the same moment in a private network namespace with the
 *   kernel's default range, each holding what it got; ports handed out twice, and ports inside the ephemeral range.
 *   Goal: 0 for ours. Needs root (unshare -n); skipped otherwise.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import getPortOfGetPort, { clearLockedPorts as clearGetPort } from 'get-port';
import getPort, { clearLockedPorts } from 'ephemeral-ports/get-port';
import { type RunningChild, startChild } from '../../test/free-port/child.js';
import { NETNS_UNAVAILABLE, ROOT_DIR, createNetns } from '../../test/helpers/netns.js';
import { interleavedTotals, percentile } from '../measure.js';
import { progress, quick } from '../progress.js';
import type { BenchRow, BenchSuite } from '../types.js';

const RUNS = Number(process.env.EPHEMERAL_PORTS_BENCH_FIRST_CALL_RUNS ?? (quick ? 9 : 21));
const CALLS = 1000;
const ROUND = 100;
const REPEATS = 3;
const PROCESSES = 64;
const PER_PROCESS = 100;
const CHILD = join(ROOT_DIR, 'test/get-port/fixtures/get-port-child.ts');

const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 0.5);

/**
 * A script that loads `specifier` (ESM `import`, or CommonJS `require`), awaits its first `getPort()` and prints the
 * ms since before the load and the share of it the load took.
 */
function firstCallArgs(specifier: string, load: 'import' | 'require'): string[] {
  const body = (loaded: string) =>
    `const t0 = performance.now(); const getPort = ${loaded}; const t1 = performance.now(); ` +
    `getPort().then(() => process.stdout.write(JSON.stringify({ total: performance.now() - t0, load: t1 - t0 })));`;
  return load === 'import'
    ? ['--input-type=module', '-e', body(`(await import('${specifier}')).default`)]
    : ['-e', body(`require('${specifier}')`)];
}

/** ms of one fresh process's first call: in all, and of it the load. */
interface FirstCall {
  total: number;
  load: number;
}

function firstCall(specifier: string, load: 'import' | 'require' = 'import'): Promise<FirstCall> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME };
    execFile(process.execPath, firstCallArgs(specifier, load), { cwd: ROOT_DIR, env, timeout: 30_000 }, (error, out, err) => {
      if (!error) return resolve(JSON.parse(out) as FirstCall);
      // The line of Node's report that names the error (e.g. ERR_PACKAGE_PATH_NOT_EXPORTED), not its stack.
      const reason = String(err).split('\n').find((line) => /Error|ERR_/.test(line))?.trim() ?? error.message;
      reject(new Error(`${specifier} failed (npm run build?): ${reason}`));
    });
  });
}

/** Why the built subpath cannot be imported by a plain `node` (not built, or not in the exports map), or null. */
async function notBuilt(): Promise<string | null> {
  try {
    await firstCall('ephemeral-ports/get-port');
    return null;
  } catch (error) {
    return (error as Error).message.split('\n')[0]!;
  }
}

/** RUNS first calls of each, alternating which goes first. */
async function alternate(ours: () => Promise<FirstCall>, theirs: () => Promise<FirstCall>): Promise<{ ours: FirstCall[]; theirs: FirstCall[] }> {
  const out = { ours: [] as FirstCall[], theirs: [] as FirstCall[] };
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) {
      out.ours.push(await ours());
      out.theirs.push(await theirs());
    } else {
      out.theirs.push(await theirs());
      out.ours.push(await ours());
    }
  }
  return out;
}

async function firstCallRows(): Promise<BenchRow[]> {
  const name = `first call: import + getPort(), fresh process (median of ${RUNS})`;
  const missing = await notBuilt();
  if (missing) return [{ name: `${name} (skipped: ${missing})`, value: NaN, unit: 'ms' }];
  progress(`get-port: first call, ${RUNS} fresh processes each`);
  await firstCall('get-port');
  const { ours, theirs } = await alternate(() => firstCall('ephemeral-ports/get-port'), () => firstCall('get-port'));
  const value = median(ours.map((r) => r.total));
  const anchorValue = median(theirs.map((r) => r.total));
  const ratio = value / anchorValue;
  const ms = (xs: number[]) => median(xs).toFixed(1);
  const split = (xs: FirstCall[]) => `load ${ms(xs.map((r) => r.load))} ms + call ${ms(xs.map((r) => r.total - r.load))} ms`;
  progress(`get-port: first call through require, ${RUNS} fresh processes each`);
  const required = await alternate(() => firstCall('ephemeral-ports/get-port', 'require'), () => firstCall('get-port'));
  const requiredValue = median(required.ours.map((r) => r.total));
  const requiredAnchor = median(required.theirs.map((r) => r.total));
  return [
    { name, value, unit: 'ms', anchor: "get-port's", anchorValue, ratio, goal: 'ratio ≤ 1.5 (time, lower is better)', pass: ratio <= 1.5 },
    {
      name:
        `first call, where the time goes (medians): ours ${split(ours)} (the load is one ES module, dist/get-port.node.mjs: ` +
        `the free-port code, what it uses of core and the Linux port facts; the call reads the range, the reserved ports ` +
        `and the privileged boundary from procfs and the lock secret, and takes the port's locks before the probe, ` +
        `with no backend or addon loaded); get-port ${split(theirs)}`,
      value,
      unit: 'ms',
      goal: 'info: where the time goes',
    },
    {
      name:
        `first call through require('ephemeral-ports/get-port') (the CommonJS build: the facade's hub, core's model, the ` +
        `Linux port facts), fresh process (median of ${RUNS}), against get-port's import (it has no require)`,
      value: requiredValue,
      unit: 'ms',
      anchor: "get-port's",
      anchorValue: requiredAnchor,
      ratio: requiredValue / requiredAnchor,
      goal: 'info: the require path',
    },
  ];
}

const sequential = () =>
  interleavedTotals(
    () => getPort(),
    () => getPortOfGetPort(),
    {
      calls: CALLS,
      round: ROUND,
      reset: () => {
        clearLockedPorts();
        clearGetPort();
      },
    },
  );

async function sequentialRow(): Promise<BenchRow> {
  const runs: { ours: number; theirs: number }[] = [];
  progress(`get-port: 1000 sequential calls, ${REPEATS} repeats`);
  for (let i = 0; i < REPEATS; i++) runs.push(await sequential());
  runs.sort((x, y) => x.ours / x.theirs - y.ours / y.theirs);
  const t = runs[Math.floor(REPEATS / 2)]!;
  const ratio = t.ours / t.theirs;
  return {
    name: `${CALLS} sequential getPort() calls (median ratio of ${REPEATS})`,
    value: t.ours,
    unit: `ms / ${CALLS} calls`,
    anchor: "get-port's",
    anchorValue: t.theirs,
    ratio,
    goal: 'ratio ≤ 0.75 (time, lower is better)',
    pass: ratio <= 0.75,
  };
}

interface Allocated {
  ports: number[];
}

/** Every port the processes got while all of them held theirs, and the namespace's ephemeral range. */
async function allocateTogether(lib: 'ours' | 'get-port'): Promise<{ ports: number[]; range: { low: number; high: number } }> {
  const ns = await createNetns();
  let children: RunningChild<unknown>[] = [];
  try {
    const range = await ns.readRange();
    const request = { mode: 'allocate', lib, count: PER_PROCESS };
    children = await Promise.all(Array.from({ length: PROCESSES }, () => startChild<unknown>(ns, request, { source: CHILD })));
    await Promise.all(children.map((c) => c.answer));
    for (const c of children) c.child.stdin?.write('go\n');
    const answers = await Promise.all(children.map((c) => c.line<Allocated>(1)));
    return { ports: answers.flatMap((a) => a.ports), range };
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await ns.close();
  }
}

async function duplicateRows(): Promise<BenchRow[]> {
  const what = `${PROCESSES} processes × ${PER_PROCESS} getPort(), started together`;
  if (NETNS_UNAVAILABLE) return [{ name: `duplicates, ${what} (skipped: ${NETNS_UNAVAILABLE})`, value: NaN, unit: 'ports' }];
  progress(`get-port: duplicates, ${what}`);
  const ours = await allocateTogether('ours');
  const theirs = await allocateTogether('get-port');
  const duplicates = (ports: number[]) => ports.length - new Set(ports).size;
  const inside = ({ ports, range }: { ports: number[]; range: { low: number; high: number } }) =>
    ports.filter((p) => p >= range.low && p <= range.high).length;
  return [
    {
      name: `duplicate ports, ${what}`,
      value: duplicates(ours.ports),
      unit: `of ${ours.ports.length} ports`,
      anchor: "get-port's",
      anchorValue: duplicates(theirs.ports),
      goal: 'ours = 0',
      pass: duplicates(ours.ports) === 0,
    },
    {
      name: `ports inside the ephemeral range ${ours.range.low}-${ours.range.high}, same run`,
      value: inside(ours),
      unit: `of ${ours.ports.length} ports`,
      anchor: "get-port's",
      anchorValue: inside(theirs),
      goal: 'ours = 0',
      pass: inside(ours) === 0,
    },
  ];
}

const suite: BenchSuite = {
  name: 'get-port drop-in (ephemeral-ports/get-port vs get-port)',
  async run() {
    return [...(await firstCallRows()), await sequentialRow(), ...(await duplicateRows())];
  },
};

export default suite;
