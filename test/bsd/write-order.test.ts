/**
 * Write order of the BSD backends end to end against the sysctlbyname() double (EMULATED: no FreeBSD or macOS
 * machine here). The double runs the kernels' own port-picking arithmetic after every write (FreeBSD
 * in_pcb_lport_dest(), XNU in_pcbbind(); see double/sysctl_double.cc), so a write that left the kernel in a state
 * where the next connect() would divide by zero is recorded as a trap.
 */
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { type BsdOs, createBackend } from '@ephemeral-ports/bsd';
import { type EphemeralPortsBackend, EphemeralPortsError } from '@ephemeral-ports/core';
import { type EmulatedAddon, FIRST, LAST, loadEmulatedAddon } from './emulated-addon.js';

const port = fc.integer({ min: 1024, max: 65535 });
const kernelPair = fc.record({ first: port, last: port });
// A kernel already holding one port is already in the trap; restoring it after a failure puts that state back,
// which is what a rollback means, so the restore property starts from the states a restore may write.
const restorablePair = kernelPair.filter((p) => p.first !== p.last);
const target = fc
  .tuple(port, port)
  .filter(([a, b]) => a !== b)
  .map(([a, b]) => ({ low: Math.min(a, b), high: Math.max(a, b) }));

describe('FreeBSD refuses a one-port range (emulated)', () => {
  let addon: EmulatedAddon;
  beforeEach(() => {
    addon = loadEmulatedAddon();
    addon.double.reset('freebsd');
  });

  it('the double shows why: first == last with randomized on traps on connect(); off, it does not', () => {
    addon.double.poke(FIRST, 40000);
    addon.double.poke(LAST, 40000);
    expect(addon.double.pickPort()).toEqual({ trap: true });
    addon.double.poke('net.inet.ip.portrange.randomized', 0);
    expect(addon.double.pickPort()).toEqual({ trap: false, port: 40000 });
  });

  it('setRange and persistRange refuse low == high with RANGE_ONE_PORT and the kernel reason, before any write', async () => {
    const backend = createBackend({ os: 'freebsd', addon });
    for (const call of [
      () => backend.setRange({ low: 40000, high: 40000 }),
      () => backend.persistRange({ low: 40000, high: 40000 }, { dryRun: true }),
    ]) {
      const e = await call().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(EphemeralPortsError);
      expect(e).toMatchObject({
        code: 'ERR_EPHEMERAL_INVALID_RANGE',
        violations: [expect.objectContaining({ code: 'RANGE_ONE_PORT', severity: 'error' })],
      });
      expect((e as Error).message).toMatch(/in_pcb_lport_dest\(\).*divide by zero/);
    }
    expect(addon.double.writeLog()).toEqual([]);
  });

  it('core violations still come first (out of bounds is RANGE_WOULD_CLAMP, not RANGE_ONE_PORT)', async () => {
    const backend = createBackend({ os: 'freebsd', addon });
    await expect(backend.setRange({ low: 70000, high: 70000 })).rejects.toMatchObject({
      violations: [expect.objectContaining({ code: 'RANGE_WOULD_CLAMP' }), expect.objectContaining({ code: 'RANGE_WOULD_CLAMP' })],
    });
  });
});

describe('macOS takes a one-port range (emulated: XNU turns randomization off for it)', () => {
  it('sets 40000-40000 and the picker returns that port', async () => {
    const addon = loadEmulatedAddon();
    addon.double.reset('darwin');
    const backend = createBackend({ os: 'darwin', addon });
    await backend.setRange({ low: 40000, high: 40000 });
    expect(addon.double.pickPort()).toEqual({ trap: false, port: 40000 });
    expect(addon.double.writeLog().every((w) => !w.trap)).toBe(true);
  });
});

describe.each(['freebsd', 'darwin'] as const)('%s: every state between two writes is safe (emulated, property)', (os: BsdOs) => {
  let addon: EmulatedAddon;
  let backend: EphemeralPortsBackend;
  beforeEach(() => {
    addon = loadEmulatedAddon();
    backend = createBackend({ os, addon });
  });

  it('random (kernel pair, target): no write leaves a trap; from an ordered pair every state is ordered', async () => {
    await fc.assert(
      fc.asyncProperty(kernelPair, target, async (old, next) => {
        addon.double.reset(os);
        addon.double.poke(FIRST, old.first);
        addon.double.poke(LAST, old.last);
        await backend.setRange(next);
        const log = addon.double.writeLog();
        expect(log.some((w) => w.trap)).toBe(false);
        expect(log.every((w) => w.first !== w.last)).toBe(true);
        if (old.first <= old.last) expect(log.every((w) => w.first < w.last)).toBe(true);
        expect([addon.double.get(FIRST), addon.double.get(LAST)]).toEqual([next.low, next.high]);
      }),
      { numRuns: 400 },
    );
  });

  it('random failures part-way: the restore path never leaves a trap either, and restores the old pair', async () => {
    await fc.assert(
      fc.asyncProperty(restorablePair, target, fc.integer({ min: 2, max: 3 }), async (old, next, nth) => {
        addon.double.reset(os);
        addon.double.poke(FIRST, old.first);
        addon.double.poke(LAST, old.last);
        addon.double.failWrite(nth, 'EIO');
        const outcome = await backend.setRange(next).then(
          () => 'set',
          (e: EphemeralPortsError) => e.code,
        );
        expect(['set', 'ERR_EPHEMERAL_ROLLED_BACK']).toContain(outcome);
        expect(addon.double.writeLog().some((w) => w.trap)).toBe(false);
        if (outcome !== 'set') expect([addon.double.get(FIRST), addon.double.get(LAST)]).toEqual([old.first, old.last]);
      }),
      { numRuns: 300 },
    );
  });
});
