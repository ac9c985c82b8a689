/**
 * The sysctl(8) fallback of @ephemeral-ports/bsd (FreeBSD and macOS), driven by a fake sysctl executable that
 * behaves like the FreeBSD / macOS one (test/bsd/fake-sysctl.ts); no BSD machine is available here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as vitest from 'vitest';
import { type BsdOs, createBackend } from '@ephemeral-ports/bsd';
import { type EphemeralPortsBackend, EphemeralPortsError } from '@ephemeral-ports/core';
import { describeBackendContract } from '@ephemeral-ports/core/testing';
import { type FakeSysctl, createFakeSysctl } from './fake-sysctl.js';
import { FIRST, LAST } from './emulated-addon.js';

const OSES = ['freebsd', 'darwin'] as const satisfies readonly BsdOs[];

for (const os of OSES) {
  describeBackendContract(`${os} sysctl(8) fallback (emulated: fake sysctl)`, async () => {
    const fake = createFakeSysctl(os);
    const dir = mkdtempSync(join(tmpdir(), `ep-${os}-`));
    return {
      backend: createBackend({ os, addon: null, sysctlPath: fake.path, persistFile: join(dir, 'persist') }),
      oracle: () => {
        const v = fake.state().values;
        return { low: Math.min(v[FIRST]!, v[LAST]!), high: Math.max(v[FIRST]!, v[LAST]!) };
      },
      cleanup: () => {
        fake.remove();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }, vitest);
}

describe.each(OSES)('%s sysctl(8) fallback: set, read-back, rollback (emulated)', (os) => {
  let fake: FakeSysctl;
  let backend: EphemeralPortsBackend;
  const pair = () => [fake.state().values[FIRST], fake.state().values[LAST]];
  beforeEach(() => {
    fake = createFakeSysctl(os);
    backend = createBackend({ os, addon: null, sysctlPath: fake.path });
  });
  afterEach(() => fake.remove());

  it('says it is the fallback and reads with `sysctl -n` at the given absolute path', async () => {
    expect(backend.info()).toMatchObject({
      implementation: 'js-fallback',
      fallbackReason: 'addon disabled by the caller',
    });
    expect(backend.getRangeSync).toBeUndefined();
    const r = await backend.getRange();
    expect(r.source).toBe('spawn:sysctl');
    expect(r.range).toEqual(os === 'freebsd' ? { low: 10000, high: 65535 } : { low: 49152, high: 65535 });
    expect(fake.state().calls[0]![0]).toBe('-n');
    expect(fake.state().calls[0]!.length).toBe(os === 'freebsd' ? 10 : 7);
  });

  const writeCommand = os === 'darwin' ? '`sysctl -w name=value`' : '`sysctl name=value`';
  it(`writes with ${writeCommand}, ordered and read back`, async () => {
    await backend.setRange({ low: 20000, high: 30000 });
    await backend.setRange({ low: 40000, high: 41000 }); // first must wait: 40000 > old last 30000
    const writes = fake.state().calls.filter((c) => c.some((a) => a.includes('=')));
    const prefix = os === 'darwin' ? ['-w'] : [];
    expect(writes).toEqual([
      [...prefix, `${FIRST}=20000`],
      [...prefix, `${LAST}=30000`],
      [...prefix, `${LAST}=41000`],
      [...prefix, `${FIRST}=40000`],
    ]);
    expect(pair()).toEqual([40000, 41000]);
  });

  it('injected failure on the second write: restored, ERR_EPHEMERAL_ROLLED_BACK caused by EIO', async () => {
    fake.update((s) => (s.failWriteAt = 2));
    const before = pair();
    const e = await backend.setRange({ low: 20000, high: 30000 }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(EphemeralPortsError);
    expect(e).toMatchObject({ code: 'ERR_EPHEMERAL_ROLLED_BACK', errno: -5, syscall: 'sysctl', path: LAST });
    expect(pair()).toEqual(before);
  });

  it('a clamping kernel: ERR_EPHEMERAL_ROLLED_BACK caused by ERR_EPHEMERAL_CLAMPED, previous values back', async () => {
    fake.update((s) => (s.clampMin = 5000));
    const before = pair();
    const e = await backend.setRange({ low: 3000, high: 30000 }).catch((err: unknown) => err);
    expect(e).toMatchObject({ code: 'ERR_EPHEMERAL_ROLLED_BACK' });
    expect(((e as Error).cause as EphemeralPortsError).code).toBe('ERR_EPHEMERAL_CLAMPED');
    expect(pair()).toEqual(before);
  });

  it('not root: EPERM from the first write, nothing changed', async () => {
    fake.update((s) => (s.root = false));
    const before = pair();
    await expect(backend.setRange({ low: 20000, high: 30000 })).rejects.toMatchObject({
      code: 'EPERM',
      errno: -1,
      syscall: 'sysctl',
      path: FIRST,
      remedy: expect.stringMatching(/root/),
    });
    expect(pair()).toEqual(before);
  });

  it('an OID missing on this kernel: ENOENT naming it', async () => {
    fake.update((s) => delete s.values[`net.inet.ip.portrange.hilast`]);
    await expect(backend.getRange()).rejects.toMatchObject({ code: 'ENOENT', path: 'net.inet.ip.portrange.hilast' });
  });

  it('a sysctl that cannot be started: a coded error naming the path', async () => {
    const missing = createFakeSysctl(os);
    missing.remove();
    const broken = createBackend({ os, addon: null, sysctlPath: missing.path });
    await expect(broken.getRange()).rejects.toMatchObject({ code: 'ENOENT', syscall: 'spawn', path: missing.path });
  });

  it('refuses a relative sysctl path (TypeError, ERR_INVALID_ARG_VALUE)', () => {
    expect(() => createBackend({ os, addon: null, sysctlPath: 'sysctl' })).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });
});
