import { afterEach, describe, expect, it } from 'vitest';
import { createLinuxBackend } from './backend.js';
import { FORCE_JS_ENV, loadNativeBinding } from './native.js';
import { toOsError } from './os-error.js';

describe.runIf(process.platform === 'linux')('linux addon loader (Linux only)', () => {
  afterEach(() => {
    delete process.env[FORCE_JS_ENV];
  });

  it('loads the addon built by `npm run build` (build/Release or prebuilds/)', () => {
    const loaded = loadNativeBinding();
    expect(loaded.fallbackReason).toBeUndefined();
    expect(createLinuxBackend().info()).toMatchObject({ implementation: 'native', supportsNetns: true });
  });

  it(`${FORCE_JS_ENV}=1 selects the JS fallback and says why; "native" then fails with a code`, () => {
    process.env[FORCE_JS_ENV] = '1';
    const info = createLinuxBackend().info();
    expect(info).toMatchObject({ implementation: 'js-fallback', supportsNetns: false });
    expect(info.fallbackReason).toContain(FORCE_JS_ENV);
    expect(() => createLinuxBackend({ implementation: 'native' })).toThrow(
      expect.objectContaining({ code: 'ERR_EPHEMERAL_BACKEND_LOAD_FAILED' }),
    );
  });

  it('native and JS read the same range', () => {
    expect(createLinuxBackend({ implementation: 'js' }).getRangeSync().range).toEqual(
      createLinuxBackend({ implementation: 'native' }).getRangeSync().range,
    );
  });
});

describe('OS error conversion', () => {
  it('gives fs errors a positive errno and the remedy', () => {
    const fsError = Object.assign(new Error("EACCES: permission denied, open '/proc/sys/x'"), {
      code: 'EACCES',
      errno: -13,
      syscall: 'open',
      path: '/proc/sys/x',
    });
    expect(toOsError(fsError)).toMatchObject({
      name: 'EphemeralPortsError',
      code: 'EACCES',
      errno: 13,
      syscall: 'open',
      path: '/proc/sys/x',
      remedy: expect.stringContaining('CAP_NET_ADMIN'),
      cause: fsError,
    });
  });

  it('names the errno from the code when an error carries none', () => {
    const bare = Object.assign(new Error('read-only'), { code: 'EROFS', syscall: 'open' });
    expect(toOsError(bare)).toMatchObject({ code: 'EROFS', errno: 30, syscall: 'open' });
  });

  it('passes through errors without a code', () => {
    const plain = new Error('boom');
    expect(toOsError(plain)).toBe(plain);
  });
});
