/**
 * Set, read-back, clamp detection and rollback of the BSD backends through the emulated addon (native/bsd C++
 * linked against the sysctlbyname() double; no FreeBSD or macOS machine is available here).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { type BsdOs, createBackend, createFreeBSDBackend, fromNativeError } from '@ephemeral-ports/bsd';
import {
  type EphemeralPortsBackend,
  EphemeralPortsError,
  EphemeralPortsRangeError,
  EphemeralPortsTypeError,
} from '@ephemeral-ports/core';
import { type EmulatedAddon, FIRST, LAST, loadEmulatedAddon } from './emulated-addon.js';

const P = 'net.inet.ip.portrange.';

async function failure(promise: Promise<unknown>): Promise<EphemeralPortsError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(EphemeralPortsError);
  return e as EphemeralPortsError;
}

describe.each(['freebsd', 'darwin'] as const)('%s set and rollback (emulated)', (os: BsdOs) => {
  let addon: EmulatedAddon;
  let backend: EphemeralPortsBackend;
  const pair = () => [addon.double.get(FIRST), addon.double.get(LAST)];
  beforeEach(() => {
    addon = loadEmulatedAddon();
    addon.double.reset(os);
    backend = createBackend({ os, addon });
  });

  it('reads every port-range OID of this OS, with the kernel defaults', async () => {
    const r = await backend.getRange();
    expect(r.source).toBe('native:sysctlbyname');
    expect(backend.info().implementation).toBe('native');
    expect(r.range).toEqual(os === 'freebsd' ? { low: 10000, high: 65535 } : { low: 49152, high: 65535 });
    expect(r.details).toMatchObject({
      high: { low: 49152, high: 65535 },
      low: { low: 600, high: 1023 },
      swapped: false,
    });
    if (os === 'freebsd') expect(r.details).toMatchObject({ reservedLow: 0, reservedHigh: 1023, randomized: true });
    else expect(r.details).not.toHaveProperty('reservedLow');
    expect(backend.getRangeSync!().range).toEqual(r.range);
  });

  it('understands first > last from the kernel as swapped ends', async () => {
    addon.double.poke(FIRST, 60000);
    addon.double.poke(LAST, 50000);
    const r = await backend.getRange();
    expect(r.range).toEqual({ low: 50000, high: 60000 });
    expect(r.details).toMatchObject({ first: 60000, last: 50000, swapped: true });
  });

  it('writes in an order that never shows a swapped pair (moving the range up, then down)', async () => {
    await backend.setRange({ low: 40000, high: 40010 });
    await backend.setRange({ low: 60000, high: 61000 }); // first must wait: 60000 > old last 40010
    await backend.setRange({ low: 2000, high: 3000 }); // last must wait: 3000 < old first 60000
    const log = addon.double.writeLog();
    expect(log.map((w) => w.name.slice(P.length))).toEqual(['first', 'last', 'last', 'first', 'first', 'last']);
    for (const w of log) expect(w.first).toBeLessThanOrEqual(w.last);
    expect(pair()).toEqual([2000, 3000]);
  });

  it('writes only the end that changes', async () => {
    const before = (await backend.getRange()).range;
    await backend.setRange({ low: 30000, high: before.high });
    expect(addon.double.writeLog().map((w) => w.name)).toEqual([FIRST]);
  });

  it('refuses what the kernel would clamp, before any write', async () => {
    const e = await failure(backend.setRange({ low: 1023, high: 70000 }));
    expect(e.code).toBe('ERR_EPHEMERAL_INVALID_RANGE');
    expect(e.violations!.map((v) => v.code)).toEqual(['RANGE_WOULD_CLAMP', 'RANGE_WOULD_CLAMP']);
    expect(addon.double.writeLog()).toEqual([]);
  });

  it('detects a clamp on read-back and restores the pair (ERR_EPHEMERAL_ROLLED_BACK, cause ERR_EPHEMERAL_CLAMPED)', async () => {
    const before = pair();
    addon.double.clampRange(5000, 65535); // a kernel with stricter bounds than documented
    const e = await failure(backend.setRange({ low: 3000, high: 46000 }));
    expect(e.code).toBe('ERR_EPHEMERAL_ROLLED_BACK');
    expect((e.cause as EphemeralPortsError).code).toBe('ERR_EPHEMERAL_CLAMPED');
    expect(e.message).toContain('stored 5000');
    expect(pair()).toEqual(before);
  });

  it('injected failure on the second write: first is restored (ERR_EPHEMERAL_ROLLED_BACK with the errno)', async () => {
    const before = pair();
    addon.double.failWrite(2, 'EIO');
    const e = await failure(backend.setRange({ low: 20000, high: 30000 }));
    expect(e).toMatchObject({ code: 'ERR_EPHEMERAL_ROLLED_BACK', errno: -5, syscall: 'sysctlbyname', path: LAST });
    expect((e.cause as EphemeralPortsError).code).toBe('EIO');
    expect(pair()).toEqual(before);
    const names = addon.double.writeLog().map((w) => [w.name.slice(P.length), w.stored]);
    expect(names).toEqual([['first', 20000], ['first', before[0]]]);
  });

  it('a restore the kernel refuses too is ERR_EPHEMERAL_ROLLBACK_FAILED, with the manual fix as remedy', async () => {
    addon.double.poke(FIRST, 20000);
    addon.double.clampRange(45000, 65535); // the write is clamped, and so is the restore of 20000
    const e = await failure(backend.setRange({ low: 40000, high: 46000 }));
    expect(e.code).toBe('ERR_EPHEMERAL_ROLLBACK_FAILED');
    expect((e.cause as EphemeralPortsError).code).toBe('ERR_EPHEMERAL_CLAMPED');
    expect(e.remedy).toBe(`Restore by hand as root: sysctl ${FIRST}=20000 ${LAST}=65535`);
    expect(pair()).toEqual([45000, 65535]);
  });

  it('a failure on the first write changes nothing and is thrown as the OS error (EPERM, not root)', async () => {
    const before = pair();
    addon.double.setRoot(false);
    const e = await failure(backend.setRange({ low: 20000, high: 30000 }));
    expect(e).toMatchObject({ code: 'EPERM', errno: -1, syscall: 'sysctlbyname', path: FIRST });
    expect(e.remedy).toMatch(/root/);
    expect(pair()).toEqual(before);
  });

  it('a kernel that keeps the old value is ERR_EPHEMERAL_READBACK_MISMATCH (rolled back)', async () => {
    const before = pair();
    addon.double.forceStore(FIRST, before[0]!);
    const e = await failure(backend.setRange({ low: 20000, high: 30000 }));
    expect(e.code).toBe('ERR_EPHEMERAL_ROLLED_BACK');
    expect((e.cause as EphemeralPortsError).code).toBe('ERR_EPHEMERAL_READBACK_MISMATCH');
    expect(e.message).toContain(`kernel kept ${before[0]}`);
    expect(pair()).toEqual(before);
  });

  it('serializes concurrent changes: the final pair is one of the requests, never a mix', async () => {
    const a = { low: 20000, high: 20100 };
    const b = { low: 60000, high: 60100 };
    const results = await Promise.all([backend.setRange(a), backend.setRange(b)]);
    expect(results[1].previous).toEqual(a);
    expect(pair()).toEqual([60000, 60100]);
  });

  it('rejects netns and an unknown protocol (ERR_INVALID_ARG_VALUE)', async () => {
    await expect(backend.getRange({ netns: '/proc/1/ns/net' })).rejects.toMatchObject({
      code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION',
    });
    await expect(backend.getRange({ protocol: 'sctp' as 'tcp' })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
    });
  });
});

describe('BSD addon surface (emulated)', () => {
  let addon: EmulatedAddon;
  beforeEach(() => {
    addon = loadEmulatedAddon();
    addon.double.reset('freebsd');
  });

  it('FreeBSD securelevel > 0 refuses reservedhigh with EPERM and a securelevel remedy', () => {
    addon.double.setSecurelevel(1);
    let thrown: unknown;
    try {
      addon.writeInt(`${P}reservedhigh`, 0);
    } catch (e) {
      thrown = e;
    }
    const e = fromNativeError('freebsd', thrown);
    expect(e).toBeInstanceOf(EphemeralPortsError);
    expect(e).toMatchObject({ code: 'EPERM', errno: -1, syscall: 'sysctlbyname', path: `${P}reservedhigh` });
    expect((e as EphemeralPortsError).remedy).toMatch(/securelevel/);
    expect(addon.double.get(`${P}reservedhigh`)).toBe(1023);
    addon.writeInt(FIRST, 20000); // not CTLFLAG_SECURE: still writable
    expect(addon.readInt(FIRST)).toBe(20000);
  });

  it('ENOENT for an OID macOS lacks, through the backend reading too', async () => {
    addon.double.reset('darwin');
    expect(() => addon.readInt(`${P}reservedlow`)).toThrow(expect.objectContaining({ code: 'ENOENT', errno: -2 }));
    addon.double.reset('freebsd');
    addon.double.remove(`${P}randomized`); // an older/newer kernel without it
    const e = await failure(createFreeBSDBackend({ addon }).getRange());
    expect(e).toMatchObject({ code: 'ENOENT', path: `${P}randomized`, syscall: 'sysctlbyname' });
    expect(e.remedy).toMatch(/FreeBSD kernel has no/);
  });

  it('refuses names outside net.inet.ip.portrange and non-int values without calling the kernel', () => {
    const refusedValue = expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
    for (const name of ['kern.securelevel', `${P}first;`, P, `${P}${'x'.repeat(200)}`]) {
      expect(() => addon.readInt(name)).toThrow(refusedValue);
    }
    const wrongType = expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    expect(() => addon.readInt(42 as unknown as string)).toThrow(wrongType);
    expect(() => addon.readInts('x' as unknown as string[])).toThrow(wrongType);
    expect(() => addon.writeInt(FIRST, '1' as unknown as number)).toThrow(wrongType);
    for (const value of [1.5, Number.NaN, 2 ** 31, -(2 ** 31) - 1]) {
      expect(() => addon.writeInt(FIRST, value)).toThrow(
        expect.objectContaining({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' }),
      );
    }
    expect(addon.double.writeLog()).toEqual([]);
  });

  it("the addon's argument errors become the project's TypeError / RangeError classes, codes kept", () => {
    const thrownBy = (fn: () => unknown): unknown => {
      try {
        fn();
      } catch (e) {
        return e;
      }
      throw new Error('did not throw');
    };
    const value = fromNativeError('freebsd', thrownBy(() => addon.readInt('kern.securelevel')));
    expect(value).toBeInstanceOf(EphemeralPortsTypeError);
    expect(value).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    const type = fromNativeError('freebsd', thrownBy(() => addon.readInt(42 as unknown as string)));
    expect(type).toBeInstanceOf(EphemeralPortsTypeError);
    expect(type).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    const range = fromNativeError('freebsd', thrownBy(() => addon.writeInt(FIRST, 1.5)));
    expect(range).toBeInstanceOf(EphemeralPortsRangeError);
    expect(range).toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
  });

  it('the double follows the generic sysctl layer: EINVAL for a short newlen, ENOMEM for a short oldlen', () => {
    expect(addon.double.rawWrite(FIRST, 20000, 2)).toBe(22);
    expect(addon.double.rawRead(FIRST, 2)).toBe(12);
    expect(addon.double.rawWrite(FIRST, 20000, 4)).toBe(0);
    expect(addon.double.rawWrite(FIRST, 70000, 4)).toBe(0);
    expect(addon.double.get(FIRST)).toBe(65535); // RANGECHK clamps silently
    expect(addon.double.rawWrite(`${P}lowfirst`, 0, 4)).toBe(0);
    expect(addon.double.get(`${P}lowfirst`)).toBe(1);
  });
});
