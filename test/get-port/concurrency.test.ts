/**
 * The drop-in across processes on the real kernel: 64 processes × 100 `getPort({ reserve: true })` started at the
 * same moment, holding their ports for the whole run, get 6,400 distinct ports, none inside the live ephemeral range
 * or the reserved ports; a holder killed with SIGKILL gives its ports back to the others within 1 s.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Netns, NETNS_REQUIREMENT, canUseNetns, createNetns } from '../helpers/netns.js';
import { type RunningChild, runChild, startChild, sysctl } from '../free-port/child.js';

const CHILD = { source: fileURLToPath(new URL('./fixtures/get-port-child.ts', import.meta.url)) };
const PROCESSES = 64;
const PER_PROCESS = 100;

// A wide ephemeral range leaves 1024-9999 minus the reserved ports: 7,975 ports for 6,400 allocations, so the
// processes really contend for the same ports.
const EPHEMERAL = { low: 10_000, high: 65_535 };
const RESERVED = '5000-5999,8080';
const inReserved = (p: number) => (p >= 5000 && p <= 5999) || p === 8080;

interface Allocated {
  pid: number;
  ports: number[];
  ms: number;
}

async function startTogether(ns: Netns, count: number, request: object): Promise<RunningChild<unknown>[]> {
  const children = await Promise.all(Array.from({ length: count }, () => startChild<unknown>(ns, request, CHILD)));
  await Promise.all(children.map((c) => c.answer)); // every child loaded and waiting
  for (const c of children) c.child.stdin?.write('go\n');
  return children;
}

describe.runIf(canUseNetns)(`ephemeral-ports/get-port across processes ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns;
  beforeAll(async () => {
    ns = await createNetns();
    await ns.writeRange(EPHEMERAL.low, EPHEMERAL.high);
    await sysctl(ns, 'net.ipv4.ip_local_reserved_ports', RESERVED);
  });
  afterAll(async () => ns?.close());

  it(`${PROCESSES} processes × ${PER_PROCESS} held ports, started together: no duplicates, none ephemeral or reserved`, async () => {
    const children = await startTogether(ns, PROCESSES, { mode: 'allocate', lib: 'ours', count: PER_PROCESS, options: { reserve: true } });
    try {
      const answers = await Promise.all(children.map((c) => c.line<Allocated>(1)));
      const ports = answers.flatMap((a) => a.ports);
      expect(ports).toHaveLength(PROCESSES * PER_PROCESS);
      expect(ports.length - new Set(ports).size, 'duplicate ports').toBe(0);
      const wrong = ports.filter((p) => p >= EPHEMERAL.low || inReserved(p) || p < 1024);
      expect(wrong, 'ports inside the ephemeral range, the reserved ports or below 1024').toEqual([]);
      // While they hold, another process is refused a sample of them as locked.
      const sample = ports.filter((_, i) => i % 160 === 0);
      const checked = await runChild<{ results: string[] }>(ns, { mode: 'check', ports: sample }, CHILD);
      expect(checked.results).toEqual(sample.map(() => 'locked'));
    } finally {
      await Promise.all(children.map((c) => c.stop()));
    }
  }, 120_000);

  it('a holder killed with SIGKILL: another process gets each of its ports as its preferred port within 1 s', async () => {
    const [holder] = await startTogether(ns, 1, { mode: 'allocate', lib: 'ours', count: PER_PROCESS, options: { reserve: true } });
    const { ports } = await holder!.line<Allocated>(1);
    const watcher = await startChild<{ ready: boolean }>(ns, { mode: 'wait-preferred', ports }, CHILD);
    try {
      await watcher.answer;
      const exited = new Promise((resolve) => holder!.child.once('exit', resolve));
      holder!.child.kill('SIGKILL');
      await exited;
      watcher.child.stdin?.write('go\n');
      const { elapsedMs, pending } = await watcher.line<{ elapsedMs: number; pending: number[] }>(1);
      expect(pending).toEqual([]);
      expect(elapsedMs).toBeLessThan(1000);
    } finally {
      await Promise.all([watcher.stop(), holder!.stop()]);
    }
  }, 60_000);
});
