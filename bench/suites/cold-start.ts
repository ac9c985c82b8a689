/**
 * Cold start of the facade and the CLI, each against a bare node (the anchor: `node -e 0`, or
 * `node --input-type=module -e 0` for the ESM row), as median wall times of many fresh processes, in a clean
 * environment (PATH and HOME only: no NODE_OPTIONS, no extra CA certificates). Runs interleave subject and anchor so
 * that load changes on the machine hit both alike, and the ratio is the median of each run's ratio to its anchor.
 * Goals (issue "Fast where it counts"): `require('ephemeral-ports').getEphemeralRange()` ≤ 1.2×, the ESM import
 * ≤ 1.3×, `ephemeral-ports get --json` ≤ 1.3×. Each goal line also gets a row saying what it is made of
 * (bench/where-time-goes.ts). Needs the built packages (`npm run build`).
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Plugin, build, stop } from 'esbuild';
import { ROOT_DIR } from '../../test/helpers/netns.js';
import { percentile } from '../measure.js';
import { progress, quick } from '../progress.js';
import type { BenchRow, BenchSuite } from '../types.js';
import { describeParts, traceMedians } from '../where-time-goes.js';

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
 * What one goal line adds to its anchor (bench/where-time-goes.ts), by part: the anchor is traced the same way and
 * its time after Node's start taken off the rest, so the parts add up to the difference the ratio measures.
 */
async function whereRow(subject: Subject): Promise<BenchRow> {
  progress(`cold start: where the time of ${subject.name} goes, ${RUNS} traced runs each`);
  const anchorArgs = subject.anchor ?? ANCHOR;
  const anchor = await traceMedians(anchorArgs, RUNS, subject.cwd);
  const { total, parts } = await traceMedians(subject.args, RUNS, subject.cwd);
  parts.rest = (parts.rest ?? 0) - anchor.total;
  return {
    name: `where ${subject.name} spends what it adds to node ${anchorArgs.join(' ')} (medians of ${RUNS}): ${describeParts(parts)}`,
    value: total - anchor.total,
    unit: 'ms',
    goal: 'info: where the time goes',
  };
}

/**
 * Context row: the same read as the first goal line (the facade's report through the Linux backend) with every module
 * it imports statically bundled into one tree-shaken CommonJS file by esbuild, from source, behind an exports map;
 * what it imports lazily is left out. No layout of our packages loads less for this read, so this ratio is the
 * floor of the first goal line on this machine (what remains is Node's start, its exports-map resolver and our code).
 */
async function bundledReadSubject(dir: string): Promise<Subject> {
  const pkg = join(dir, 'node_modules', 'read-floor');
  const lazyLeftOut: Plugin = {
    name: 'lazy-left-out',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (a) => (a.kind === 'dynamic-import' ? { path: a.path, external: true } : undefined));
    },
  };
  const source = (path: string) => JSON.stringify(join(ROOT_DIR, 'packages', path));
  await build({
    stdin: {
      contents:
        `import { createLinuxBackend } from ${source('linux/src/index.ts')};\n` +
        `import { useBackend } from ${source('ephemeral-ports/src/backend.ts')};\n` +
        `import { getEphemeralRange } from ${source('ephemeral-ports/src/range-report.ts')};\n` +
        'export function read() { useBackend(createLinuxBackend()); return getEphemeralRange(); }\n',
      resolveDir: ROOT_DIR,
      loader: 'ts',
    },
    alias: { '@ephemeral-ports/core/model': join(ROOT_DIR, 'packages/core/src/model.ts') },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    treeShaking: true,
    outfile: join(pkg, 'dist/index.js'),
    plugins: [lazyLeftOut],
    logLevel: 'error',
  });
  await stop(); // esbuild's service process would otherwise idle beside the timed runs
  // The Linux addon loader looks in <package>/build/Release, then <package>/prebuilds: give it the same binary.
  for (const binaries of ['build/Release', 'prebuilds']) {
    const from = join(ROOT_DIR, 'packages/linux', binaries);
    if (existsSync(from)) cpSync(from, join(pkg, binaries), { recursive: true });
  }
  const exports = { '.': { require: './dist/index.js' } };
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'read-floor', version: '1.0.0', exports }));
  return {
    name: `floor: the first goal line's read bundled from source into one tree-shaken file (esbuild; lazy imports left out)`,
    args: ['-e', "require('read-floor').read().then((r) => { if (!r.range) process.exit(1); })"],
    cwd: dir,
  };
}

async function run(): Promise<BenchRow[]> {
  for (const built of ['packages/ephemeral-ports/dist/index.js', 'packages/ephemeral-ports/dist/cli.js']) {
    if (!existsSync(join(ROOT_DIR, built))) throw new Error(`${built} is missing: run npm run build first`);
  }
  const rows: BenchRow[] = [];
  const floorDir = mkdtempSync(join(tmpdir(), 'ephemeral-ports-floor-'));
  try {
    const bundled = process.platform === 'linux' ? [await bundledReadSubject(floorDir)] : [];
    for (const subject of [...SUBJECTS, ...floorSubjects(floorDir), ...bundled]) rows.push(await measure(subject));
  } finally {
    rmSync(floorDir, { recursive: true, force: true });
  }
  for (const subject of SUBJECTS) if (subject.goal !== undefined) rows.push(await whereRow(subject));
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
