/**
 * The AIX backend end to end against the `no` double (EMULATED: no AIX machine here; the double implements the
 * documented behaviour of /usr/sbin/no, see double/no.mjs).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import * as vitest from 'vitest';
import { createAixBackend } from '@ephemeral-ports/aix';
import { describeBackendContract } from '@ephemeral-ports/core/testing';
import { type NoDouble, createNoDouble } from './double/no-double.js';

const doubles: NoDouble[] = [];
function setup(options: Parameters<typeof createNoDouble>[0] = {}) {
  const double = createNoDouble(options);
  doubles.push(double);
  return { double, backend: createAixBackend({ noPath: double.path }) };
}
afterEach(() => {
  for (const d of doubles.splice(0)) d.cleanup();
});

describeBackendContract('aix (emulated: no double)', async () => {
  const { double, backend } = setup();
  return {
    backend,
    oracle: (protocol) => {
      const s = double.state();
      return { low: s[`${protocol}_ephemeral_low`]!.current, high: s[`${protocol}_ephemeral_high`]!.current };
    },
  };
}, vitest);

describe('aix backend (emulated: no double)', () => {
  it('reads current, default and next-boot values and the no -x limits', async () => {
    const { backend } = setup({ tunables: { udp_ephemeral_low: { current: 40000, reboot: 41000 } } });
    const reading = await backend.getRange({ protocol: 'udp' });
    expect(reading.range).toEqual({ low: 40000, high: 65535 });
    expect(reading.details).toMatchObject({
      default: { low: 32768, high: 65535 },
      nextBoot: { low: 41000, high: 65535 },
      limits: { low: { min: 1024, max: 65535 }, high: { min: 1024, max: 65535 } },
    });
    expect(await backend.getConstraints({ protocol: 'udp' })).toEqual({
      tunableLimits: { low: { min: 1024, max: 65535 }, high: { min: 1024, max: 65535 } },
    });
  });

  it('sets both bounds of one protocol in one invocation, leaving the other protocol alone', async () => {
    const { double, backend } = setup();
    const change = await backend.setRange({ low: 49152, high: 65000 }, { protocol: 'udp' });
    expect(change).toMatchObject({ previous: { low: 32768, high: 65535 }, current: { low: 49152, high: 65000 } });
    const sets = double.calls().filter((c) => c.includes('-o'));
    expect(sets).toEqual([['-o', 'udp_ephemeral_low=49152', '-o', 'udp_ephemeral_high=65000']]);
    expect(double.state().tcp_ephemeral_low!.current).toBe(32768);
    expect(double.state().udp_ephemeral_low!.reboot).toBe(32768); // live only
  });

  it('orders the writes so low ≤ high holds after each step (moving the range above the old high)', async () => {
    const { double, backend } = setup({ tunables: { tcp_ephemeral_high: { current: 40000 } } });
    await backend.setRange({ low: 50000, high: 60001 });
    expect(double.calls().find((c) => c.includes('-o'))).toEqual([
      '-o',
      'tcp_ephemeral_high=60001',
      '-o',
      'tcp_ephemeral_low=50000',
    ]);
  });

  it('property: random (old, new) pairs never pass through an inverted or one-port state (states.log)', async () => {
    const port = fc.integer({ min: 1024, max: 65535 });
    const pair = fc.tuple(port, port).filter(([a, b]) => a < b).map(([low, high]) => ({ low, high }));
    await fc.assert(
      fc.asyncProperty(pair, pair, async (old, next) => {
        const { double, backend } = setup({
          tunables: { tcp_ephemeral_low: { current: old.low }, tcp_ephemeral_high: { current: old.high } },
        });
        await backend.setRange(next);
        for (const { tcp } of double.states()) expect(tcp[0]).toBeLessThan(tcp[1]);
        expect(double.states().at(-1)?.tcp ?? [old.low, old.high]).toEqual([next.low, next.high]);
        double.cleanup();
      }),
      { numRuns: 15 },
    );
  });

  it('moving 40000-40001 up to 40001-50000 writes the high bound first (never one port)', async () => {
    const { double, backend } = setup({
      tunables: { tcp_ephemeral_low: { current: 40000 }, tcp_ephemeral_high: { current: 40001 } },
    });
    await backend.setRange({ low: 40001, high: 50000 });
    expect(double.calls().find((c) => c.includes('-o'))).toEqual([
      '-o', 'tcp_ephemeral_high=50000', '-o', 'tcp_ephemeral_low=40001',
    ]);
    expect(double.states()).toEqual([
      { tcp: [40000, 50000], udp: [32768, 65535] },
      { tcp: [40001, 50000], udp: [32768, 65535] },
    ]);
  });

  it('persist when the live values already match still records both bounds for next boot', async () => {
    const { double, backend } = setup({
      tunables: { tcp_ephemeral_low: { current: 40000 }, tcp_ephemeral_high: { current: 50001 } },
    });
    await backend.persistRange({ low: 40000, high: 50001 });
    expect(double.calls().find((c) => c.includes('-p'))).toEqual([
      '-p', '-o', 'tcp_ephemeral_low=40000', '-o', 'tcp_ephemeral_high=50001',
    ]);
    expect(double.nextboot()).toBe('no:\n\ttcp_ephemeral_low = "40000"\n\ttcp_ephemeral_high = "50001"\n');
  });

  it('validates against the min/max that no -x reports, before running any set', async () => {
    const { double, backend } = setup({ tunables: { tcp_ephemeral_low: { min: 5000 } } });
    await expect(backend.setRange({ low: 4000, high: 60000 })).rejects.toMatchObject({
      code: 'ERR_EPHEMERAL_INVALID_RANGE',
      violations: [expect.objectContaining({ code: 'RANGE_OUT_OF_TUNABLE_BOUNDS', field: 'low' })],
    });
    expect(double.calls().some((c) => c.includes('-o'))).toBe(false);
    expect(double.state().tcp_ephemeral_low!.current).toBe(32768);
  });

  it('turns a refusal by no itself into ERR_EPHEMERAL_COMMAND_FAILED with the tunable and no\'s message', async () => {
    // no -x reports wider limits than the command enforces: the command's refusal must surface, unchanged state.
    const { double } = setup({ tunables: { tcp_ephemeral_low: { min: 30000 } } });
    const loose = createAixBackend({ noPath: double.path });
    const error = await loose.setRange({ low: 20000, high: 60000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_EPHEMERAL_INVALID_RANGE' });
    const { createNoRunner } = await import('../../packages/aix/src/no-command.js');
    const raw = await createNoRunner(double.path).run(['-o', 'tcp_ephemeral_low=20000']).catch((e: unknown) => e);
    expect(raw).toMatchObject({ code: 'ERR_EPHEMERAL_COMMAND_FAILED', syscall: 'no' });
    expect((raw as Error).message).toMatch(/tcp_ephemeral_low.*out of range/);
    expect(double.state().tcp_ephemeral_low!.current).toBe(32768);
  });

  it('restores the previous values when the second step fails (ERR_EPHEMERAL_ROLLED_BACK)', async () => {
    const { double, backend } = setup({ env: { NO_DOUBLE_FAIL_ON: 'tcp_ephemeral_high' } });
    const error = await backend.setRange({ low: 40000, high: 50001 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_EPHEMERAL_ROLLED_BACK' });
    expect((error as Error & { cause: { code: string } }).cause.code).toBe('ERR_EPHEMERAL_COMMAND_FAILED');
    expect(double.state().tcp_ephemeral_low!.current).toBe(32768);
    expect(double.state().tcp_ephemeral_high!.current).toBe(65535);
    // first write applied, second failed, then a restore invocation
    expect(double.calls().filter((c) => c.includes('-o'))).toHaveLength(2);
  });

  it('reports ERR_EPHEMERAL_ROLLBACK_FAILED with a manual remedy when restoring fails too', async () => {
    const { double, backend } = setup({ env: { NO_DOUBLE_FAIL_AFTER: '1' } });
    const error = await backend.setRange({ low: 40000, high: 50001 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_EPHEMERAL_ROLLBACK_FAILED' });
    expect((error as { remedy: string }).remedy).toContain('no -o tcp_ephemeral_low=32768 -o tcp_ephemeral_high=65535');
    expect(double.state().tcp_ephemeral_low!.current).toBe(40000); // the half-applied state, as reported
  });

  it('fails with EPERM and a remedy when not root, changing nothing', async () => {
    const { double, backend } = setup({ env: { NO_DOUBLE_UID: '1000' } });
    const error = await backend.setRange({ low: 40000, high: 50001 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EPERM', errno: -1, syscall: 'no' });
    expect((error as { remedy: string }).remedy).toMatch(/root/);
    expect(double.state().tcp_ephemeral_low!.current).toBe(32768);
  });

  it('persists with no -p: live and next-boot values, nextboot stanza written', async () => {
    const { double, backend } = setup();
    const dry = await backend.persistRange({ low: 9000, high: 65500 }, { dryRun: true });
    expect(dry).toMatchObject({ written: false, after: 'tcp_ephemeral_low = 9000\ntcp_ephemeral_high = 65500\n' });
    expect(double.nextboot()).toBe('');
    const result = await backend.persistRange({ low: 9000, high: 65500 });
    expect(result.written).toBe(true);
    expect(result.target).toContain('/etc/tunables/nextboot');
    expect(double.calls().find((c) => c.includes('-p'))).toEqual([
      '-p', '-o', 'tcp_ephemeral_low=9000', '-o', 'tcp_ephemeral_high=65500',
    ]);
    expect(double.nextboot()).toBe('no:\n\ttcp_ephemeral_low = "9000"\n\ttcp_ephemeral_high = "65500"\n');
    expect(await backend.getPersisted()).toEqual({ range: { low: 9000, high: 65500 }, target: '/etc/tunables/nextboot' });
    expect((await backend.getRange()).range).toEqual({ low: 9000, high: 65500 });
  });

  it('resets to defaults with no -d (and -p -d for next boot too)', async () => {
    const { double, backend } = setup();
    await backend.persistRange({ low: 40000, high: 50001 });
    const live = await backend.resetRange();
    expect(live).toMatchObject({ previous: { low: 40000, high: 50001 }, current: { low: 32768, high: 65535 } });
    expect((await backend.getPersisted()).range).toEqual({ low: 40000, high: 50001 });
    await backend.resetRange({ persist: true });
    expect((await backend.getPersisted()).range).toEqual({ low: 32768, high: 65535 });
    expect(double.nextboot()).toBe('no:\n');
  });

  it('says ENOENT with a remedy when /usr/sbin/no does not exist', async () => {
    const backend = createAixBackend({ noPath: '/nonexistent/no' });
    await expect(backend.getRange()).rejects.toMatchObject({ code: 'ENOENT', syscall: 'spawn', path: '/nonexistent/no' });
  });

  it('refuses a relative path for the no command (no PATH lookup)', () => {
    expect(() => createAixBackend({ noPath: 'no' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', name: 'TypeError' }));
  });

  it('refuses netns and reserved ports with coded errors', async () => {
    const { backend } = setup();
    await expect(backend.getRange({ netns: '/proc/1/ns/net' })).rejects.toMatchObject({
      code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION',
    });
    await expect(backend.getReserved()).rejects.toMatchObject({ code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION' });
  });
});
