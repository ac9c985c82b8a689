/**
 * The BPF hash-table walk (native/linux/bpf_walk.cc) where it differs from the other methods: its record arrays
 * start small and grow when a walk overflows them, with the program rebuilt for the larger array. 6,000 bound-only
 * sockets overflow the bind table's first array (4,096 records); a fresh process must still list every one, as
 * sock_diag does. (census-ground-truth.test.ts checks the walk against ss on every socket state.)
 */
import { release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canUseNetns, createNetns, NETNS_REQUIREMENT, type Netns } from '../helpers/netns.js';
import { startWorkload, type Workload } from './fixtures/workload.js';

const [major = 0, minor = 0] = release().split('.').map((n) => Number.parseInt(n, 10));
/** The walk's bind-table layout: Linux ≥ 6.15 (bpf_walk.h). */
const WALKS = major > 6 || (major === 6 && minor >= 15);
const BOUND_ONLY = 6_000;
const CHILD = fileURLToPath(new URL('fixtures/bound-only-census.mts', import.meta.url));

describe.runIf(canUseNetns && WALKS)(`BPF walk: record arrays grow past their first size ${NETNS_REQUIREMENT}; Linux ≥ 6.15 (running ${release()})`, () => {
  let ns: Netns;
  let workload: Workload<{ ready: boolean; ports: number[] }>;

  beforeAll(async () => {
    ns = await createNetns();
    workload = await startWorkload(ns, 'test/census/fixtures/bound-only-workload.mjs', [String(BOUND_ONLY)], 60_000);
  }, 90_000);
  afterAll(async () => {
    await workload?.stop();
    await ns?.close();
  });

  it(`lists all ${BOUND_ONLY} bound-only sockets from a fresh process, as sock_diag does`, async () => {
    const run = await ns.exec(process.execPath, ['--import', 'tsx', CHILD]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Record<'walk' | 'netlink', { source: string; ports: number[] }>;
    expect(report.walk.source).toBe('bpf:walk');
    expect(report.netlink.source).toBe('netlink:sock_diag');
    const expected = [...workload.info.ports].sort((a, b) => a - b);
    expect(expected).toHaveLength(BOUND_ONLY);
    expect(report.walk.ports).toEqual(expected);
    expect(report.netlink.ports).toEqual(expected);
  }, 60_000);
});
