/**
 * The CLI fuzz/property suite (fast-check): runs cli-fuzz.inner.test.ts in a vitest of its own inside
 * `unshare -n -m -p --fork --mount-proc`, as two shards side by side (one per core). Every CLI command gets
 * EPHEMERAL_PORTS_FUZZ_RUNS generated argv (default 1,000 to keep `npm test` short; CI sets 10,000), each run in-process
 * against the real kernel; see the inner file for what each run must show. EPHEMERAL_PORTS_FUZZ_SEED replays a
 * failure (the seed is in the inner test's title and in the failure).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NETNS_REQUIREMENT, ROOT_DIR, UNSHARE, canUseNetns } from '../helpers/netns.js';
import { FUZZ_ENV } from './fixtures/fuzz-env.js';

const RUNS = Number(process.env[FUZZ_ENV.runs] ?? '1000');
const SEED = process.env[FUZZ_ENV.seed] ?? String(Date.now() % 2 ** 31);
const SHARDS = 2;
const VITEST = join(ROOT_DIR, 'node_modules/vitest/vitest.mjs');
const INSIDE = process.env[FUZZ_ENV.hostNamespaces] !== undefined;

interface Shard {
  code: number | null;
  output: string;
  report: { seed: number; runs: number; tallies: Record<string, { runs: number; refused: number; succeeded: number }> } | null;
}

function runShard(index: number, dir: string): Promise<Shard> {
  const report = join(dir, `shard-${index}.json`);
  const host = ['net', 'mnt', 'pid'].map((n) => readlinkSync(`/proc/self/ns/${n}`)).join(' ');
  const env = {
    ...process.env,
    [FUZZ_ENV.hostNamespaces]: host,
    [FUZZ_ENV.runs]: String(RUNS),
    [FUZZ_ENV.seed]: SEED,
    [FUZZ_ENV.shard]: `${index}/${SHARDS}`,
    [FUZZ_ENV.report]: report,
    NO_COLOR: '1',
  };
  const args = ['-n', '-m', '-p', '--fork', '--mount-proc', '--propagation', 'private'];
  return new Promise((resolve) => {
    execFile(
      UNSHARE,
      [...args, process.execPath, VITEST, 'run', 'test/hardening/cli-fuzz.inner.test.ts', '--reporter=dot'],
      { cwd: ROOT_DIR, env, timeout: 30 * 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        let parsed: Shard['report'] = null;
        try {
          parsed = JSON.parse(readFileSync(report, 'utf8')) as Shard['report'];
        } catch {
          // no report: the output says why
        }
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, output: `${stdout}\n${stderr}`, report: parsed });
      },
    );
  });
}

describe.runIf(canUseNetns && !INSIDE)(`CLI fuzz over every command ${NETNS_REQUIREMENT}`, () => {
  it(`${RUNS} generated argv per command: no stack trace, typed refusals, nothing changed by a refusal`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ephports-fuzz-report-'));
    try {
      const shards = await Promise.all(Array.from({ length: SHARDS }, (_, i) => runShard(i, dir)));
      for (const shard of shards) expect(shard.code, shard.output.slice(-6000)).toBe(0);
      const tallies = Object.assign({}, ...shards.map((s) => s.report?.tallies ?? {})) as Record<string, { runs: number; refused: number; succeeded: number }>;
      // Every command was fuzzed, refused some inputs and accepted others (a property that only ever refuses
      // would prove little).
      expect(Object.keys(tallies).length).toBeGreaterThanOrEqual(12);
      for (const [name, tally] of Object.entries(tallies)) {
        expect(tally.runs, name).toBeGreaterThanOrEqual(RUNS);
        expect(tally.refused, name).toBeGreaterThan(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30 * 60_000);
});
