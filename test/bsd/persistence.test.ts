/**
 * Persistence of the BSD backends against real files in a temporary directory: FreeBSD /etc/sysctl.conf lines,
 * macOS LaunchDaemon plist. The kernel side is the emulated addon (no BSD machine is available here).
 */
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DARWIN_LAUNCHD_PLIST,
  createDarwinBackend,
  createFreeBSDBackend,
  parseLaunchdPlist,
  renderLaunchdPlist,
} from '@ephemeral-ports/bsd';
import type { EphemeralPortsBackend } from '@ephemeral-ports/core';
import { FIRST, LAST, loadEmulatedAddon } from './emulated-addon.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ep-bsd-persist-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('FreeBSD /etc/sysctl.conf persistence (emulated)', () => {
  let backend: EphemeralPortsBackend;
  let file: string;
  beforeEach(() => {
    const addon = loadEmulatedAddon();
    addon.double.reset('freebsd');
    file = join(dir, 'sysctl.conf');
    backend = createFreeBSDBackend({ addon, persistFile: file });
  });

  it('defaults to /etc/sysctl.conf', async () => {
    const other = createFreeBSDBackend({ addon: loadEmulatedAddon() });
    expect((await other.persistRange({ low: 20000, high: 30000 }, { dryRun: true })).target).toBe('/etc/sysctl.conf');
  });

  it('a relative file is resolved once against the working directory: written, read back and reported absolute', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await backend.persistRange({ low: 20000, high: 30000 }, { file: 'local.conf' });
      expect(r.target).toBe(join(dir, 'local.conf'));
      expect(readFileSync(join(dir, 'local.conf'), 'utf8')).toContain(`${FIRST}=20000`);
      expect((await backend.getPersisted({ file: 'local.conf' })).target).toBe(join(dir, 'local.conf'));
    } finally {
      process.chdir(cwd);
    }
  });

  it('dry run: a diff, nothing written', async () => {
    writeFileSync(file, 'kern.foo=1\n');
    const r = await backend.persistRange({ low: 20000, high: 30000 }, { dryRun: true });
    expect(r.written).toBe(false);
    expect(r.diff).toContain(`+${FIRST}=20000`);
    expect(r.diff).toContain(`+${LAST}=30000`);
    expect(readFileSync(file, 'utf8')).toBe('kern.foo=1\n');
    expect(await backend.getPersisted()).toEqual({ range: null, target: file });
  });

  it('writes atomically, keeps other lines and the file mode, updates in place, reads back', async () => {
    writeFileSync(file, `kern.foo=1\n${FIRST}=49152 # old\n`);
    chmodSync(file, 0o600);
    const r = await backend.persistRange({ low: 20000, high: 30000 });
    expect(r.written).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith(`kern.foo=1\n${FIRST}=20000 # old\n`)).toBe(true);
    expect(text).toContain(`${LAST}=30000\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['sysctl.conf']); // no temporary file left behind
    expect(await backend.getPersisted()).toEqual({ range: { low: 20000, high: 30000 }, target: file });
    expect((await backend.persistRange({ low: 20000, high: 30000 })).written).toBe(false);
  });

  it('creates a missing file with mode 0644', async () => {
    await backend.persistRange({ low: 20000, high: 30000 });
    expect(statSync(file).mode & 0o777).toBe(0o644);
  });

  it('a file that sets only one end is reported, not guessed', async () => {
    writeFileSync(file, `${FIRST}=20000\n`);
    await expect(backend.getPersisted()).rejects.toMatchObject({ code: 'ERR_EPHEMERAL_PARSE', path: file });
  });

  it('refuses a range the kernel would clamp; nothing written', async () => {
    await expect(backend.persistRange({ low: 80, high: 30000 })).rejects.toMatchObject({ code: 'ERR_EPHEMERAL_INVALID_RANGE' });
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('macOS LaunchDaemon persistence (emulated)', () => {
  it('writes the plist (0644), dry run first, and parses it back', async () => {
    const addon = loadEmulatedAddon();
    addon.double.reset('darwin');
    const file = join(dir, 'org.ephemeral-ports.portrange.plist');
    const backend = createDarwinBackend({ addon, persistFile: file });
    const byDefault = await createDarwinBackend({ addon }).persistRange({ low: 20000, high: 30000 }, { dryRun: true });
    expect(byDefault.target).toBe(DARWIN_LAUNCHD_PLIST);
    const dry = await backend.persistRange({ low: 20000, high: 30000 }, { dryRun: true });
    expect(dry.written).toBe(false);
    expect(dry.diff).toContain(`+\t\t<string>${FIRST}=20000</string>`);
    expect(readdirSync(dir)).toEqual([]);
    const r = await backend.persistRange({ low: 20000, high: 30000 });
    expect(r.written).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(readFileSync(file, 'utf8')).toBe(dry.after);
    expect(await backend.getPersisted()).toEqual({ range: { low: 20000, high: 30000 }, target: file });
  });
});

describe('macOS LaunchDaemon: an existing plist (emulated)', () => {
  it('keeps other sysctl settings of the job and refuses to overwrite a plist that is not a sysctl job', async () => {
    const addon = loadEmulatedAddon();
    addon.double.reset('darwin');
    const file = join(dir, 'job.plist');
    const backend = createDarwinBackend({ addon, persistFile: file });
    writeFileSync(file, renderLaunchdPlist([['kern.maxfiles', '65536'], [FIRST, '1']]));
    await backend.persistRange({ low: 20000, high: 30000 });
    expect([...parseLaunchdPlist(readFileSync(file, 'utf8'))]).toEqual([
      ['kern.maxfiles', '65536'],
      [FIRST, '20000'],
      [LAST, '30000'],
    ]);
    const foreign = readFileSync(file, 'utf8').replace('/usr/sbin/sysctl', '/usr/local/bin/backup');
    writeFileSync(file, foreign);
    await expect(backend.persistRange({ low: 20000, high: 30000 })).rejects.toMatchObject({ code: 'ERR_EPHEMERAL_PARSE' });
    expect(readFileSync(file, 'utf8')).toBe(foreign);
  });
});
