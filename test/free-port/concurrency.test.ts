/**
 * Cross-process safety on the real kernel: many processes allocating at once never share a port, never get one
 * inside the live ephemeral range or the reserved list, and a SIGKILLed holder's ports come back at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Netns, NETNS_REQUIREMENT, canUseNetns, createNetns } from '../helpers/netns.js';
import { runChild, startChild, sysctl } from './child.js';

interface Allocated {
  pid: number;
  results: { port: number; held: boolean; avoided: { ephemeral: { range: { low: number; high: number }; source: string }[]; reserved: string } }[];
}
interface Checked {
  results: { port: number; free: boolean; rejection?: { reason: string } }[];
}

// A small search range (3000 ports) with the ephemeral range and reserved ports cut out of it, so 16 × 50 = 800
// allocations fill almost half the pool and the processes really contend.
const SEARCH = { low: 10_000, high: 12_999 };
const EPHEMERAL = { low: 11_000, high: 11_999 };
const RESERVED = '10500,12000-12099';
const inReserved = (p: number) => p === 10_500 || (p >= 12_000 && p <= 12_099);

describe.runIf(canUseNetns)(`free-port across processes ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns;
  beforeAll(async () => {
    ns = await createNetns();
    await ns.writeRange(EPHEMERAL.low, EPHEMERAL.high);
    await sysctl(ns, 'net.ipv4.ip_local_reserved_ports', RESERVED);
  });
  afterAll(async () => ns?.close());

  it('16 processes × 50 held ports at once: no duplicates, none ephemeral or reserved', async () => {
    const children = await Promise.all(
      Array.from({ length: 16 }, () => startChild<Allocated>(ns, { mode: 'allocate', count: 50, options: { range: SEARCH } })),
    );
    try {
      const answers = await Promise.all(children.map((c) => c.answer));
      const ports = answers.flatMap((a) => a.results.map((r) => r.port));
      expect(ports).toHaveLength(800);
      expect(new Set(ports).size).toBe(800);
      for (const port of ports) {
        expect(port >= SEARCH.low && port <= SEARCH.high, `${port} inside the search range`).toBe(true);
        expect(port >= EPHEMERAL.low && port <= EPHEMERAL.high, `${port} inside the ephemeral range`).toBe(false);
        expect(inReserved(port), `${port} is reserved`).toBe(false);
      }
      // The children read this namespace's live range, not a default.
      const avoided = answers[0]!.results[0]!.avoided;
      expect(avoided.ephemeral[0]!.range).toEqual(EPHEMERAL);
      expect(avoided.ephemeral[0]!.source).not.toBe('default');
      expect(avoided.reserved).toBe(RESERVED);
      // While they hold, another process is refused every one of them as locked.
      const sample = ports.filter((_, i) => i % 40 === 0);
      const checked = await runChild<Checked>(ns, { mode: 'check', ports: sample });
      expect(checked.results.map((r) => r.rejection?.reason)).toEqual(sample.map(() => 'locked'));
    } finally {
      await Promise.all(children.map((c) => c.stop()));
    }
  }, 120_000);

  it('a port from plain getFreePort() (a lease, not a hold) is refused to other processes until the lease ends', async () => {
    const leaser = await startChild<Allocated>(ns, { mode: 'allocate', count: 3, options: { range: SEARCH, hold: false, leaseMs: 1500 } });
    try {
      const { results } = await leaser.answer;
      expect(results.every((r) => !r.held)).toBe(true);
      const ports = results.map((r) => r.port);
      const during = await runChild<Checked>(ns, { mode: 'check', ports });
      expect(during.results.map((r) => r.rejection?.reason)).toEqual(ports.map(() => 'locked'));
      // The leaser is still alive: only the lease's end frees them.
      const watcher = await startChild<{ ready: boolean }>(ns, { mode: 'wait-free', ports, options: { range: SEARCH } });
      await watcher.answer;
      watcher.child.stdin?.write('go\n');
      const { pending } = await watcher.line<{ elapsedMs: number; pending: number[] }>(1);
      expect(pending).toEqual([]);
      expect(leaser.child.exitCode).toBe(null);
      await watcher.stop();
    } finally {
      await leaser.stop();
    }
  }, 60_000);

  it('a holder killed with SIGKILL: its ports are available again at once (documented: when the kernel reaps it)', async () => {
    const holder = await startChild<Allocated>(ns, { mode: 'allocate', count: 5, options: { range: SEARCH } });
    const ports = (await holder.answer).results.map((r) => r.port);
    const before = await runChild<Checked>(ns, { mode: 'check', ports });
    expect(before.results.map((r) => r.rejection?.reason)).toEqual(ports.map(() => 'locked'));

    // A watcher, started and warmed before the kill, polls from the moment the holder is gone.
    const watcher = await startChild<{ ready: boolean }>(ns, { mode: 'wait-free', ports, options: { range: SEARCH } });
    await watcher.answer;
    const exited = new Promise((resolve) => holder.child.once('exit', resolve));
    holder.child.kill('SIGKILL');
    await exited;
    watcher.child.stdin?.write('go\n');
    const { elapsedMs, pending } = await watcher.line<{ elapsedMs: number; pending: number[] }>(1);
    expect(pending).toEqual([]);
    // Documented bound: available immediately; 1 s leaves room for a loaded machine.
    expect(elapsedMs).toBeLessThan(1000);
    await Promise.all([watcher.stop(), holder.stop()]);
  }, 60_000);
});
