/**
 * The shipped binding.gyp (packages/bsd) builds the real addon only for FreeBSD and macOS (gyp OS=="freebsd" /
 * "mac") and fails loudly anywhere else, so no install can produce an addon that calls into a sysctlbyname() that is not there.
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
const PACKAGE_DIR = join(ROOT, 'packages', 'bsd');
const GYP_OSES = ['freebsd', 'mac'] as const;

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
  it('packages/bsd: node-gyp rebuild fails loudly and produces no addon', async () => {
    const dir = PACKAGE_DIR;
    try {
      const r = await nodeGyp(dir, ['rebuild']);
      expect(r.ok).toBe(false);
      expect(r.output).toContain('@ephemeral-ports/bsd builds only on FreeBSD and macOS');
      expect(nodeFiles(join(dir, 'build'))).toEqual([]);
    } finally {
      rmSync(join(dir, 'build'), { recursive: true, force: true });
    }
  }, 120_000);

  it.each(GYP_OSES)('packages/bsd: configured for gyp OS=%s, the target compiles native/bsd', async (gypOs) => {
    const dir = PACKAGE_DIR;
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
