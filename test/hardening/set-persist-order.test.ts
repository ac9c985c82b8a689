/**
 * The order of `setEphemeralRange(..., { persist: true })`, against core's memory backend with failures injected:
 * what persisting would refuse is found by a dry run, the live value is proven writable (by writing the value it
 * has), the configuration is written before the live value, and every error says what really happened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EphemeralPortsError, type EphemeralPortsBackend, type PortRange } from '@ephemeral-ports/core';
import { createMemoryBackend, useBackend } from 'ephemeral-ports/testing';
import { setEphemeralRange } from 'ephemeral-ports';

const OLD = { low: 32768, high: 60999 };
const NEW = { low: 40000, high: 50001 };

/** The memory backend, recording calls, with `fail` deciding which call throws what. */
function recorded(fail: (call: string, n: number) => Error | undefined = () => undefined) {
  const b = createMemoryBackend({ os: 'linux', range: OLD });
  const calls: string[] = [];
  const counts = new Map<string, number>();
  const step = (call: string) => {
    calls.push(call);
    const n = (counts.get(call) ?? 0) + 1;
    counts.set(call, n);
    const error = fail(call, n);
    if (error) throw error;
  };
  const backend: EphemeralPortsBackend = {
    ...b,
    setRange: async (range: PortRange, o) => {
      step(`setRange ${range.low}-${range.high}`);
      return b.setRange(range, o);
    },
    persistRange: async (range: PortRange, o) => {
      step(o?.dryRun ? 'persist (dry run)' : 'persist');
      return b.persistRange(range, o);
    },
  };
  useBackend(backend);
  return { calls, live: async () => (await b.getRange()).range, persisted: async () => (await b.getPersisted()).range };
}

const errorOf = (p: Promise<unknown>): Promise<EphemeralPortsError> =>
  p.then(
    () => new EphemeralPortsError('RESOLVED', 'expected a rejection'),
    (e: unknown) => e as EphemeralPortsError,
  );
const SET = { persist: true, nodePortRange: null } as const;

describe('set with persist: order and honest errors', () => {
  afterEach(() => useBackend(undefined));

  it('checks, proves the live value writable, writes the configuration, then the live value', async () => {
    const r = recorded();
    await setEphemeralRange(NEW, SET);
    expect(r.calls).toEqual(['persist (dry run)', 'setRange 32768-60999', 'persist', 'setRange 40000-50001']);
    expect(await r.live()).toEqual(NEW);
    expect(await r.persisted()).toEqual(NEW);
  });

  it('a configuration that cannot be written changes nothing, and no rollback is claimed', async () => {
    const r = recorded((call) => (call === 'persist' ? new EphemeralPortsError('EACCES', 'open /etc/sysctl.d/x: permission denied') : undefined));
    const error = await errorOf(setEphemeralRange(NEW, SET));
    expect(error).toMatchObject({ code: 'EACCES' });
    expect(error.message).not.toMatch(/restored|rolled back/i);
    expect(await r.live()).toEqual(OLD);
    expect(r.calls).not.toContain('setRange 40000-50001');
  });

  it('a live value that cannot be written (read-only /proc/sys) is found before the configuration changes', async () => {
    const r = recorded((call) =>
      call.startsWith('setRange') ? new EphemeralPortsError('EROFS', "open '/proc/sys/net/ipv4/ip_local_port_range': read-only") : undefined,
    );
    expect(await errorOf(setEphemeralRange(NEW, SET))).toMatchObject({ code: 'EROFS' });
    expect(r.calls).toEqual(['persist (dry run)', 'setRange 32768-60999']);
    expect(await r.persisted()).toBeNull();
  });

  it('a live write that fails after the configuration was written says exactly that', async () => {
    const r = recorded((call, n) =>
      call === 'setRange 40000-50001' && n === 1 ? new EphemeralPortsError('EINVAL', 'the kernel refused 40000 50001', { remedy: 'retry' }) : undefined,
    );
    const error = await errorOf(setEphemeralRange(NEW, SET));
    expect(error).toMatchObject({ code: 'EINVAL' });
    expect(error.message).toMatch(/was written \(the next boot applies 40000-50001\), but the live range was not changed and is still 32768-60999/);
    expect(error.message).not.toMatch(/restored|rolled back/i);
    expect(error.remedy).toMatch(/run the command again/);
    expect(await r.live()).toEqual(OLD);
    expect(await r.persisted()).toEqual(NEW);
  });
});
