/**
 * `npm run bench [-- [--quick] <substring>...]`: runs every suite in bench/suites/*.ts (in file-name order, one after
 * the other so they do not compete for CPU), prints a progress line per suite (suites add one per case, see
 * progress.ts) and a table per suite, and writes bench/results.json and bench/RESULTS.md (results-md.ts). Suites
 * this run skipped keep their previous rows in both. `--quick` writes bench/results-quick.json instead and leaves
 * RESULTS.md to full runs.
 * Substring filters keep only suites whose name or file name contains one of them; `--quick` asks suites for a small
 * subset of their cases, for local use.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { cpus, release } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatNumber, renderResultsMarkdown, type MachineInfo, type ResultsFile, type SuiteResult } from './results-md.js';
import type { BenchRow, BenchSuite } from './types.js';

// Before any suite is imported: suites read it at load time, and their child processes inherit it.
if (process.argv.includes('--quick')) process.env.EPHEMERAL_PORTS_BENCH_QUICK = '1';

// The root package is CommonJS to tsx, so neither import.meta nor top-level await is available: locate the
// bench directory from the script path instead.
const here = dirname(resolve(process.argv[1] ?? 'bench/run.ts'));
const suitesDir = join(here, 'suites');

function isSuite(value: unknown): value is BenchSuite {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === 'string' && typeof v.run === 'function';
}

const fmt = formatNumber;

function machineInfo(): MachineInfo {
  const list = cpus();
  return { cpus: list.length, cpuModel: list[0]?.model.trim() ?? 'unknown', kernel: release(), node: process.version, date: new Date().toISOString() };
}

/** The previous results.json's suites, to keep those this run skips; older files lacked per-suite machine info. */
async function previousSuites(file: string): Promise<Record<string, SuiteResult>> {
  try {
    const old = JSON.parse(await readFile(file, 'utf8')) as { meta?: { date?: string; node?: string; quick?: boolean }; suites?: Record<string, Partial<SuiteResult>> };
    const out: Record<string, SuiteResult> = {};
    for (const [name, s] of Object.entries(old.suites ?? {})) {
      if (typeof s.file !== 'string' || !Array.isArray(s.rows)) continue;
      const machine = s.machine ?? { cpus: 0, cpuModel: 'unknown', kernel: 'unknown', node: old.meta?.node ?? 'unknown', date: old.meta?.date ?? 'unknown' };
      out[name] = { file: s.file, rows: s.rows, ms: s.ms ?? 0, quick: s.quick ?? old.meta?.quick ?? false, machine, ...(s.error ? { error: s.error } : {}) };
    }
    return out;
  } catch {
    return {};
  }
}

function printTable(title: string, rows: readonly BenchRow[]): void {
  const header = ['name', 'value', 'unit', 'anchor', 'anchor value', 'ratio', 'goal', 'pass'];
  const body = rows.map((r) => [
    r.name,
    fmt(r.value),
    r.unit,
    r.anchor ?? '',
    fmt(r.anchorValue),
    r.ratio === undefined ? '' : `${fmt(r.ratio)}×`,
    r.goal ?? '',
    r.pass === undefined ? '' : r.pass ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 || i === 4 || i === 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ');
  console.log(`\n## ${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of body) console.log(line(row));
}

async function main(): Promise<number> {
  const { progress } = await import('./progress.js');
  const { waitForQuietMachine } = await import('./settle.js');
  const filters = process.argv.slice(2).filter((a) => a !== '--quick');
  const filter = filters.length > 0 ? filters.join(' ') : undefined;
  const wanted = (name: string, file: string) => filters.length === 0 || filters.some((f) => name.includes(f) || basename(file, '.ts').includes(f));
  const files = (await readdir(suitesDir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).sort();
  const isQuick = process.env.EPHEMERAL_PORTS_BENCH_QUICK === '1';
  // Quick rows go to their own file, so they never stand in for a full run's in RESULTS.md.
  const out = join(here, isQuick ? 'results-quick.json' : 'results.json');
  const results = await previousSuites(out);
  const machine = machineInfo();
  let failed = 0;
  let missed = 0;
  for (const file of files) {
    const mod: unknown = await import(pathToFileURL(join(suitesDir, file)).href);
    const suite = (mod as { default?: unknown }).default;
    if (!isSuite(suite)) {
      console.error(`bench/suites/${file}: default export is not { name, run() }; skipped`);
      failed++;
      continue;
    }
    if (!wanted(suite.name, file)) continue;
    const settled = await waitForQuietMachine(isQuick ? 10_000 : 30_000);
    if (settled.waitedMs > 1500) progress(`${suite.name}: waited ${(settled.waitedMs / 1000).toFixed(1)} s for the machine to go quiet (CPU busy ${Math.round(100 * (settled.busy ?? 0))}% at the end)`);
    const started = Date.now();
    progress(`${suite.name}: started`);
    try {
      const rows = await suite.run();
      results[suite.name] = { file, rows, ms: Date.now() - started, quick: isQuick, machine };
      progress(`${suite.name}: done in ${Date.now() - started} ms, ${rows.filter((r) => r.pass === false).length} goal(s) missed`);
      printTable(`${suite.name}  (${file}, ${Date.now() - started} ms)`, rows);
      missed += rows.filter((r) => r.pass === false).length;
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      results[suite.name] = { file, rows: [], error: message, ms: Date.now() - started, quick: isQuick, machine };
      console.error(`\n## ${suite.name} FAILED\n${message}`);
      failed++;
    }
  }
  const file: ResultsFile = { meta: { ...machine, platform: process.platform, arch: process.arch, filter: filter ?? null, quick: isQuick }, suites: results };
  await writeFile(out, `${JSON.stringify(file, null, 2)}\n`);
  const markdown = join(here, 'RESULTS.md');
  if (!isQuick) await writeFile(markdown, renderResultsMarkdown(file));
  console.log(`\nwrote ${out}${isQuick ? ' (--quick: RESULTS.md unchanged)' : ` and ${markdown}`}; ${failed} suite(s) failed, ${missed} goal(s) missed`);
  // Missed goals are reported, not fatal: timings on a shared machine vary. A crashing suite is fatal.
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
