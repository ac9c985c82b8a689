/**
 * The packaged loader of @ephemeral-ports/bsd on Linux (this machine): no BSD addon can load, so the backends
 * fall back to sysctl(8) and say why; an addon built for another kernel (here: the emulated test build, dropped
 * in as a prebuild) is refused rather than called. Without `os`, a host that is neither FreeBSD nor macOS is
 * refused.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadEmulatedAddon } from './emulated-addon.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OSES = ['freebsd', 'darwin'] as const;
const PREBUILDS = join(ROOT, 'packages', 'bsd', 'prebuilds');

async function freshPackage() {
  vi.resetModules(); // the loader caches its result per process
  return import('@ephemeral-ports/bsd');
}

describe.runIf(process.platform === 'linux')('BSD addon loader on Linux (no BSD addon here)', () => {
  afterEach(() => {
    delete process.env.EPHEMERAL_PORTS_FORCE_JS;
    rmSync(PREBUILDS, { recursive: true, force: true });
  });

  it.each(OSES)('%s: nothing loads, so createBackend() is the sysctl(8) fallback and says why', async (os) => {
    const pkg = await freshPackage();
    const info = pkg.createBackend({ os }).info();
    expect(info.os).toBe(os);
    expect(info.implementation).toBe('js-fallback');
    expect(info.fallbackReason).toMatch(/^native addon not loaded: /);
  });

  it.each(OSES)('%s: an addon built for another kernel is refused (emulated build as a prebuild)', async (os) => {
    const built = loadEmulatedAddon();
    expect(built.kernel).toBe('emulated');
    const dir = join(PREBUILDS, `${process.platform}-${process.arch}`);
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(ROOT, 'test', 'bsd', 'build', 'ephemeral_ports_bsd_emulated.node'), join(dir, 'node.napi.node'));
    const pkg = await freshPackage();
    const info = pkg.createBackend({ os }).info();
    expect(info.fallbackReason).toEqual(expect.stringMatching(new RegExp(`built for emulated, not ${os}$`)));
    expect(info.implementation).toBe('js-fallback');
  });

  it('EPHEMERAL_PORTS_FORCE_JS=1 forces the fallback before any load attempt', async () => {
    const pkg = await freshPackage();
    process.env[pkg.FORCE_JS_ENV] = '1';
    expect(pkg.createBackend({ os: 'freebsd' }).info().fallbackReason).toBe(`${pkg.FORCE_JS_ENV}=1 is set`);
  });

  it('without `os`, a Linux host is ERR_EPHEMERAL_UNSUPPORTED_PLATFORM; an unknown `os` is ERR_INVALID_ARG_VALUE', async () => {
    const pkg = await freshPackage();
    expect(() => pkg.createBackend()).toThrow(expect.objectContaining({ code: 'ERR_EPHEMERAL_UNSUPPORTED_PLATFORM' }));
    expect(() => pkg.createBackend({ os: 'openbsd' as 'freebsd' })).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });
});
