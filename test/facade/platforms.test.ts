/** The platform table drives the facade's optionalDependencies and each OS package's packed "os" field; loading rules. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TARGET_OSES, createMemoryBackend } from '@ephemeral-ports/core';
import { BACKEND_ENV, PLATFORM_PACKAGES, backendPackageFor, loadBackend } from 'ephemeral-ports/platforms';
import { osFields } from '../../scripts/packaging/platform-fields.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const readJson = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));

describe('platform table', () => {
  it('covers exactly the OSes core has backends for', () => {
    expect(Object.keys(PLATFORM_PACKAGES).sort()).toEqual([...TARGET_OSES].sort());
  });

  it('equals the facade package.json optionalDependencies, pinned to the facade version', () => {
    const pkg = readJson('packages/ephemeral-ports/package.json');
    expect(Object.keys(pkg.optionalDependencies).sort()).toEqual([...new Set(Object.values(PLATFORM_PACKAGES))].sort());
    for (const v of Object.values(pkg.optionalDependencies)) expect(v).toBe(pkg.version);
  });

  it('gives each OS package the "os" field packaging writes: every platform it serves, and only those', async () => {
    expect(Object.fromEntries(await osFields())).toEqual({
      '@ephemeral-ports/linux': ['linux'],
      '@ephemeral-ports/bsd': ['darwin', 'freebsd'],
      '@ephemeral-ports/aix': ['aix'],
      '@ephemeral-ports/win32': ['win32'],
    });
  });

  for (const name of new Set(Object.values(PLATFORM_PACKAGES))) {
    const dir = name.replace('@ephemeral-ports/', '');
    it(`packages/${dir} is ${name}, a workspace without an "os" field of its own (npm would refuse it elsewhere)`, () => {
      const pkg = readJson(`packages/${dir}/package.json`);
      expect(pkg.name).toBe(name);
      expect(pkg.os).toBeUndefined();
      expect(readJson('package.json').workspaces).toContain('packages/*');
    });
  }
});

describe('backend loading', () => {
  it('an unsupported OS is ERR_EPHEMERAL_UNSUPPORTED_PLATFORM naming it and the supported list', () => {
    const error = (() => {
      try {
        backendPackageFor('sunos', 'sparc');
      } catch (e) {
        return e as { code: string; message: string };
      }
      throw new Error('no error');
    })();
    expect(error.code).toBe('ERR_EPHEMERAL_UNSUPPORTED_PLATFORM');
    expect(error.message).toContain('"sunos" (sparc)');
    expect(error.message).toContain('linux, freebsd, darwin, aix, win32');
    expect(() => loadBackend('openbsd', {}, () => ({}))).toThrow(expect.objectContaining({ code: 'ERR_EPHEMERAL_UNSUPPORTED_PLATFORM' }));
  });

  it('a known backend that fails to load is ERR_EPHEMERAL_BACKEND_LOAD_FAILED with the load error as cause', () => {
    const cause = Object.assign(new Error('dlopen failed: bad ELF'), { code: 'ERR_DLOPEN_FAILED' });
    let caught: { code?: string; cause?: unknown; remedy?: string; message?: string } = {};
    try {
      loadBackend('linux', {}, (id) => {
        expect(id).toBe('@ephemeral-ports/linux');
        throw cause;
      });
    } catch (e) {
      caught = e as typeof caught;
    }
    expect(caught.code).toBe('ERR_EPHEMERAL_BACKEND_LOAD_FAILED');
    expect(caught.cause).toBe(cause);
    expect(caught.message).toContain('dlopen failed');
    expect(caught.remedy).toContain('failed to load');
  });

  it('a missing package says to install optional dependencies', () => {
    const missing = Object.assign(new Error("Cannot find module '@ephemeral-ports/aix'"), { code: 'MODULE_NOT_FOUND' });
    expect(() =>
      loadBackend('aix', {}, () => {
        throw missing;
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_EPHEMERAL_BACKEND_LOAD_FAILED', remedy: expect.stringContaining('--omit=optional') }));
  });

  it('never falls through to another OS: a package whose backend is for another OS is refused', () => {
    const mod = { createBackend: () => createMemoryBackend({ os: 'freebsd' }) };
    expect(() => loadBackend('linux', {}, () => mod)).toThrow(
      expect.objectContaining({ code: 'ERR_EPHEMERAL_BACKEND_LOAD_FAILED', message: expect.stringContaining('implements freebsd, not linux') }),
    );
  });

  it('calls createBackend (named or on the default export) and refuses a module without it', () => {
    const linux = () => createMemoryBackend({ os: 'linux' });
    expect(loadBackend('linux', {}, () => ({ createBackend: linux })).os).toBe('linux');
    expect(loadBackend('linux', {}, () => ({ default: { createBackend: linux } })).os).toBe('linux');
    expect(() => loadBackend('linux', {}, () => ({ createLinuxBackend: linux }))).toThrow(
      expect.objectContaining({ code: 'ERR_EPHEMERAL_BACKEND_LOAD_FAILED', message: expect.stringContaining('createBackend()') }),
    );
  });

  it('refuses a createBackend() that returns no backend, naming what is missing (not a TypeError later)', () => {
    for (const made of [{}, null, { ...createMemoryBackend({ os: 'linux' }), getRange: undefined }]) {
      expect(() => loadBackend('linux', {}, () => ({ createBackend: () => made }))).toThrow(
        expect.objectContaining({ code: 'ERR_EPHEMERAL_BACKEND_LOAD_FAILED', message: expect.stringMatching(/returned no backend.*getRange\(\)/) }),
      );
    }
  });

  it(`a ${BACKEND_ENV} module that is missing or broken gets a remedy about ${BACKEND_ENV}, not about reinstalling`, () => {
    const missing = Object.assign(new Error("Cannot find module '/nonexistent'"), { code: 'MODULE_NOT_FOUND' });
    const broken = new SyntaxError('Unexpected token');
    for (const [cause, remedy] of [[missing, 'names nothing Node can load'], [broken, 'failed while loading']] as const) {
      expect(() =>
        loadBackend('linux', { [BACKEND_ENV]: '/nonexistent' }, () => {
          throw cause;
        }),
      ).toThrow(expect.objectContaining({ code: 'ERR_EPHEMERAL_BACKEND_LOAD_FAILED', remedy: expect.stringContaining(remedy) }));
    }
  });

  it(`${BACKEND_ENV} loads the named module instead, on any platform`, () => {
    const seen: string[] = [];
    const backend = loadBackend('plan9', { [BACKEND_ENV]: '/opt/double.js' }, (id) => {
      seen.push(id);
      return { createBackend: () => createMemoryBackend({ os: 'aix' }) };
    });
    expect(seen).toEqual(['/opt/double.js']);
    expect(backend.os).toBe('aix');
  });
});
