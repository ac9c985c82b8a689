/** The memory backend's simulated boot (`laterBootSettings`) and the facade's persistStatus / set warnings on it. */
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBackend } from '@ephemeral-ports/core';
import { useBackend } from 'ephemeral-ports/testing';
import { setEphemeralRange } from 'ephemeral-ports';
import { persistStatus } from '../../packages/ephemeral-ports/src/persist-status.js';

afterEach(() => useBackend(undefined));

describe('memory backend: a later boot setting overrides the persisted target', () => {
  it('reports winners, overrides and a fix; persistStatus and set --persist warn', async () => {
    const b = createMemoryBackend({ laterBootSettings: [{ file: '/etc/custom.conf', line: 3, range: { low: 20000, high: 30001 } }] });
    await b.persistRange({ low: 40000, high: 50001 });
    const r = await b.getPersisted();
    expect(r.range).toEqual({ low: 40000, high: 50001 });
    expect(r.effective).toMatchObject({ range: { low: 20000, high: 30001 }, overrides: [{ file: '/etc/custom.conf', line: 3 }] });

    useBackend(b);
    const s = await persistStatus();
    expect(s).toMatchObject({ wins: false, nextBoot: { low: 20000, high: 30001 } });
    expect(s.findings[0]!.message).toContain('/etc/custom.conf line 3');
    const report = await setEphemeralRange({ low: 40000, high: 50001 }, { persist: true, nodePortRange: null });
    expect(report.persisted!.range).toEqual({ low: 20000, high: 30001 });
    expect(report.warnings.map((w) => w.code)).toContain('PERSIST_OVERRIDDEN');
  });

  it('without later settings the target wins and nothing is said', async () => {
    const b = createMemoryBackend();
    useBackend(b);
    const report = await setEphemeralRange({ low: 40000, high: 50001 }, { persist: true, nodePortRange: null });
    expect(report.persisted!.range).toEqual({ low: 40000, high: 50001 });
    expect(report.warnings.filter((w) => w.code.startsWith('PERSIST_'))).toEqual([]);
    expect((await persistStatus()).wins).toBe(true);
  });
});
