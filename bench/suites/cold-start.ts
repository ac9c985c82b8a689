/**
 * Cold start of the facade and the CLI, each against a bare node (the anchor: `node -e 0`, or
 * `node --input-type=module -e 0` for the ESM row), as median wall times of many fresh processes, in a clean
 * environment (PATH and HOME only: no NODE_OPTIONS, no extra CA certificates). Runs interleave subject and anchor so
 * that load changes on the machine hit both alike, and the ratio is the median of each run's ratio to its anchor.
 * Goals (issue "Fast where it counts"): `require('ephemeral-ports').getEphemeralRange()` ≤ 1.2×, the ESM import
 * ≤ 1.3×, `ephemeral-ports get --json` ≤ 1.3×. Needs the built packages (`npm run build`).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_DIR } from '../../test/helpers/netns.js';
import { percentile } from '../measure.js';
import { progress, quick } from '../progress.js';
import type { BenchRow, BenchSuite } from '../types.js';

const RUNS = Number(process.env.EPHEMERAL_PORTS_BENCH_COLD_RUNS ?? (quick ? 15 : 41));
const BIN = join(ROOT_DIR, 'packages/ephemeral-ports/bin/ephemeral-ports.js');

interface Subject {
  name: string;
  args: string[];
  /** The bare node this subject is compared with. */
  anchor?: string[];
  /** Ratio goal; undefined for context rows. */
  goal?: number;
  /** Working directory (default: the repository). */
  cwd?: string;
}

const ANCHOR = ['-e', '0'];
const ESM_ANCHOR = ['--input-type=module', '-e', '0'];
const SUBJECTS: Subject[] = [
  {
    name: `node -e "require('ephemeral-ports').getEphemeralRange()"`,
    args: ['-e', "require('ephemeral-ports').getEphemeralRange().then((r) => { if (!r.range) process.exit(1); })"],
    goal: 1.2,
  },
  {
    name: `node --input-type=module -e "import { getEphemeralRange } from 'ephemeral-ports'; await getEphemeralRange()"`,
    args: ['--input-type=module', '-e', "import { getEphemeralRange } from 'ephemeral-ports'; if (!(await getEphemeralRange()).range) process.exit(1);"],
    anchor: ESM_ANCHOR,
    goal: 1.3,
  },
  { name: 'ephemeral-ports get --json', args: [BIN, 'get', '--json'], goal: 1.3 },
  // Context, not a goal: what the dependency chain alone costs (core + the Linux backend + its addon), i.e. the
  // floor under both rows above; the facade's own share is the difference.
  ...(process.platform === 'linux'
    ? [
        {
          name: `floor: node -e "require('@ephemeral-ports/linux').createLinuxBackend().getRange()"`,
          args: ['-e', "require('@ephemeral-ports/linux').createLinuxBackend().getRange()"],
        },
      ]
    : []),
];

/**
 * Context rows: what any package costs that has an exports map (which #17 requires of every published package) and
 * nothing in it, loaded the way the goal rows load ours. Node's first resolution through an exports map compiles
 * its resolver; that share of a ratio is the same for every such package, ours or get-port.
 */
function floorSubjects(dir: string): Subject[] {
  const pkg = join(dir, 'node_modules', 'exports-floor');
  mkdirSync(pkg, { recursive: true });
  const exports = { '.': { import: './index.js', require: './index.js' } };
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'exports-floor', version: '1.0.0', exports }));
  writeFileSync(join(pkg, 'index.js'), 'exports.ok = true;\n');
  return [
    { name: `floor: node -e "require('exports-floor')" (a package with an exports map and one empty file)`, args: ['-e', "require('exports-floor')"], cwd: dir },
    {
      name: `floor: node --input-type=module -e "import 'exports-floor'" (the same package, imported)`,
      args: ['--input-type=module', '-e', "import 'exports-floor'"],
      anchor: ESM_ANCHOR,
      cwd: dir,
    },
  ];
}

/** Wall time of one fresh `node <args>` process, in ms; fails on a non-zero exit (a broken build is no result). */
function timeOnce(args: string[], cwd = ROOT_DIR): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    execFile(process.execPath, args, { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME } }, (error, _out, stderr) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (error) reject(new Error(`node ${args.join(' ')} failed: ${String(stderr).trim() || error.message}`));
      else resolve(ms);
    });
  });
}

const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 0.5);

/**
 * Inside one process, from `require('ephemeral-ports')` to the range: the share spent resolving package names
 * (Node's exports-map code, whose first uses compile its case-insensitive path check and then tier it up), the
 * share compiling and running our files, and the read itself. Node's own start is not in it.
 */
const WHERE_SCRIPT = `
const Module = require('node:module');
const now = () => performance.now();
let resolving = 0;
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const start = now();
  try { return resolve.call(this, request, ...rest); }
  finally { if (!/^(\\.|\\/|node:)/.test(request)) resolving += now() - start; }
};
const t0 = now();
const facade = require('ephemeral-ports');
const load = now() - t0;
const resolvingInLoad = resolving;
facade.getEphemeralRange().then(() => {
  const call = now() - t0 - load;
  process.stdout.write(JSON.stringify({ resolving, files: load - resolvingInLoad, call: call - (resolving - resolvingInLoad) }));
});`;

/** ms: resolving package names; the rest of `require('ephemeral-ports')`; the rest of the call. */
interface Where {
  resolving: number;
  files: number;
  call: number;
}

function whereOnce(): Promise<Where> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', WHERE_SCRIPT], { cwd: ROOT_DIR, env: { PATH: process.env.PATH, HOME: process.env.HOME } }, (error, out) =>
      error ? reject(error) : resolve(JSON.parse(out) as Where),
    );
  });
}

async function whereRow(): Promise<BenchRow> {
  progress(`cold start: where the time of require + getEphemeralRange() goes, ${RUNS} runs`);
  const runs: Where[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await whereOnce());
  const [resolving, files, call] = (['resolving', 'files', 'call'] as const).map((k) => median(runs.map((r) => r[k])));
  const ms = (x: number) => x.toFixed(1);
  return {
    name:
      `where require('ephemeral-ports').getEphemeralRange() spends its time in the process (medians of ${RUNS}): ` +
      `resolving package names (Node's exports-map code) ${ms(resolving!)} ms, compiling and running the facade and core ` +
      `${ms(files!)} ms, the call (loads the backend and its addon, reads, builds the report) ${ms(call!)} ms`,
    value: median(runs.map((r) => r.resolving + r.files + r.call)),
    unit: 'ms',
    goal: 'info: where the time goes',
  };
}

async function run(): Promise<BenchRow[]> {
  for (const built of ['packages/ephemeral-ports/dist/index.js', 'packages/ephemeral-ports/dist/cli.js']) {
    if (!existsSync(join(ROOT_DIR, built))) throw new Error(`${built} is missing: run npm run build first`);
  }
  const rows: BenchRow[] = [];
  const floorDir = mkdtempSync(join(tmpdir(), 'ephemeral-ports-floor-'));
  try {
    for (const subject of [...SUBJECTS, ...floorSubjects(floorDir)]) rows.push(await measure(subject));
  } finally {
    rmSync(floorDir, { recursive: true, force: true });
  }
  rows.push(await whereRow());
  return rows;
}

async function measure(subject: Subject): Promise<BenchRow> {
  const anchorArgs = subject.anchor ?? ANCHOR;
  progress(`cold start: ${subject.name}, ${RUNS} runs each`);
  // Warm the OS file cache for both, then alternate anchor and subject.
  await timeOnce(anchorArgs, subject.cwd);
  await timeOnce(subject.args, subject.cwd);
  const anchor: number[] = [];
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    anchor.push(await timeOnce(anchorArgs, subject.cwd));
    times.push(await timeOnce(subject.args, subject.cwd));
  }
  const value = median(times);
  const anchorValue = median(anchor);
  // Each run against the anchor run beside it: the machine's speed drifts during a suite (a VM's neighbours), and
  // a ratio of two medians taken over that drift moves with it; the median of paired ratios does not.
  const ratio = median(times.map((t, i) => t / anchor[i]!));
  return {
    name: `${subject.name} (medians of ${RUNS}; ratio: median of the ${RUNS} paired ratios)`,
    value,
    unit: 'ms',
    anchor: `node ${anchorArgs.join(' ')}`,
    anchorValue,
    ratio,
    ...(subject.goal === undefined
      ? { goal: 'context (no goal)' }
      : { goal: `ratio ≤ ${subject.goal}× (lower is better)`, pass: ratio <= subject.goal }),
  };
}

const suite: BenchSuite = { name: 'cold start (facade, CLI)', run };
export default suite;
