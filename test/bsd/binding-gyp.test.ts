/**
 * The shipped binding.gyp files build the real addon only for their OS (gyp OS=="freebsd" / "mac") and fail
 * loudly anywhere else, so no install can produce an addon that calls into a sysctlbyname() that is not there.
 * The real FreeBSD / macOS compile cannot run here (no BSD machine); the gyp configuration for those OSes is
 * checked by generating it with `-DOS=...`.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE_GYP = join(ROOT, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const PACKAGES = [
  { pkg: 'freebsd', gypOs: 'freebsd' },
  { pkg: 'darwin', gypOs: 'mac' },
] as const;

async function nodeGyp(dir: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  const env = { ...process.env, npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr' };
  try {
    const r = await run(process.execPath, [NODE_GYP, ...args], { cwd: dir, env, maxBuffer: 16 << 20 });
    return { ok: true, output: r.stdout + r.stderr };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

const nodeFiles = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.node')) : [];

describe.runIf(process.platform === 'linux')('BSD binding.gyp (on Linux, this machine)', () => {
  it.each(PACKAGES)('packages/$pkg: node-gyp rebuild fails loudly and produces no addon', async ({ pkg }) => {
    const dir = join(ROOT, 'packages', pkg);
    try {
      const r = await nodeGyp(dir, ['rebuild']);
      expect(r.ok).toBe(false);
      expect(r.output).toContain(`@ephemeral-ports/${pkg} builds only on`);
      expect(nodeFiles(join(dir, 'build'))).toEqual([]);
    } finally {
      rmSync(join(dir, 'build'), { recursive: true, force: true });
    }
  }, 120_000);

  it.each(PACKAGES)('packages/$pkg: configured for gyp OS=$gypOs, the target compiles native/bsd', async (p) => {
    const { pkg, gypOs } = p;
    const dir = join(ROOT, 'packages', pkg);
    try {
      const r = await nodeGyp(dir, ['configure', '--', `-DOS=${gypOs}`]);
      expect(r.ok, r.output).toBe(true);
      const mk = readFileSync(join(dir, 'build', 'ephemeral_ports_bsd.target.mk'), 'utf8');
      for (const obj of ['bsd/sysctl_int.o', 'bsd/addon.o', 'bsd/module.o', 'common/system_error.o']) {
        expect(mk).toContain(`native/${obj}`);
      }
      expect(mk).not.toContain('refuse_non_');
      expect(mk).not.toContain('sysctl_double');
    } finally {
      rmSync(join(dir, 'build'), { recursive: true, force: true });
    }
  }, 120_000);

  it('native/bsd itself refuses to compile on Linux without the test double', async () => {
    const source = join(ROOT, 'native', 'bsd', 'sysctl_int.cc');
    const err = await run('/usr/bin/g++', ['-std=c++17', '-fsyntax-only', source]).then(
      () => null,
      (e: { stderr?: string }) => e,
    );
    expect(err?.stderr).toContain('native/bsd builds only on FreeBSD or macOS');
  });
});
