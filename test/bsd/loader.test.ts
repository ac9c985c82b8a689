/**
 * The packaged loader of @ephemeral-ports/freebsd and /darwin on Linux (this machine): no BSD addon can load, so
 * the backends fall back to sysctl(8) and say why; an addon built for another kernel (here: the emulated test
 * build, dropped in as a prebuild) is refused rather than called.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadEmulatedAddon } from './emulated-addon.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGES = ['freebsd', 'darwin'] as const;
const prebuildDir = (os: string) => join(ROOT, 'packages', os, 'prebuilds', `${process.platform}-${process.arch}`);

async function freshPackage(os: (typeof PACKAGES)[number]) {
  vi.resetModules(); // the loader caches its result per process
  return os === 'freebsd' ? import('@ephemeral-ports/freebsd') : import('@ephemeral-ports/darwin');
}

describe.runIf(process.platform === 'linux')('BSD addon loader on Linux (no BSD addon here)', () => {
  afterEach(() => {
    delete process.env.EPHEMERAL_PORTS_FORCE_JS;
    for (const os of PACKAGES) rmSync(join(ROOT, 'packages', os, 'prebuilds'), { recursive: true, force: true });
  });

  it.each(PACKAGES)('%s: nothing loads, so createBackend() is the sysctl(8) fallback and says why', async (os) => {
    const pkg = await freshPackage(os);
    const info = pkg.createBackend().info();
    expect(info.implementation).toBe('js-fallback');
    expect(info.fallbackReason).toMatch(/^native addon not loaded: /);
  });

  it.each(PACKAGES)('%s: an addon built for another kernel is refused (emulated build as a prebuild)', async (os) => {
    const built = loadEmulatedAddon();
    expect(built.kernel).toBe('emulated');
    mkdirSync(prebuildDir(os), { recursive: true });
    const emulated = join(ROOT, 'test', 'bsd', 'build', 'ephemeral_ports_bsd_emulated.node');
    copyFileSync(emulated, join(prebuildDir(os), 'node.napi.node'));
    const pkg = await freshPackage(os);
    const reason = expect.stringMatching(new RegExp(`built for emulated, not ${os}$`));
    const info = pkg.createBackend().info();
    expect(info.fallbackReason).toEqual(reason);
    expect(info.implementation).toBe('js-fallback');
  });

  it('EPHEMERAL_PORTS_FORCE_JS=1 forces the fallback before any load attempt', async () => {
    const pkg = await freshPackage('freebsd');
    process.env[pkg.FORCE_JS_ENV] = '1';
    expect(pkg.createBackend().info().fallbackReason).toBe(`${pkg.FORCE_JS_ENV}=1 is set`);
  });
});
