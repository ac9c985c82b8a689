/**
 * The hostile-directory cases every file writer of this project must pass: the Linux persist writer
 * (packages/linux/src/safe-file.ts) and the facade's twin for `map --svg` / `metrics --textfile`
 * (packages/ephemeral-ports/src/diagnostics/safe-file.ts) register the same tests from here, so the two copies
 * cannot drift apart. Another local user is played by files chown()ed to another uid (the tests run as root).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

export type Writer = (path: string, content: string) => void | Promise<void>;

const IS_ROOT = process.getuid?.() === 0;
const OTHER_UID = 4321;

const errorOf = async (fn: () => void | Promise<void>): Promise<Record<string, unknown>> => {
  try {
    await fn();
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected the write to be refused');
};

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync('/bin/true');
  return child.pid!;
}

export function safeFileCases(label: string, write: Writer): void {
  describe(`${label}: a hostile directory cannot redirect the write`, () => {
    let dir: string;
    let target: string;
    let victim: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'ephports-safe-'));
      target = join(dir, 'out.conf');
      victim = join(dir, 'victim');
      writeFileSync(victim, 'secret\n', { mode: 0o600 });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('refuses a symlinked target; the file it points to is unchanged', async () => {
      symlinkSync(victim, target);
      const error = await errorOf(() => write(target, 'new\n'));
      expect(error).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
      expect(String(error.message)).toMatch(/symbolic link/);
      expect(readFileSync(victim, 'utf8')).toBe('secret\n');
      expect(lstatSync(target).isSymbolicLink()).toBe(true);
    });

    it('never follows a symlink planted at a temporary name (the old `.NAME.<pid>.tmp` included)', async () => {
      symlinkSync(victim, join(dir, `.out.conf.${process.pid}.tmp`));
      for (let pid = process.pid - 5; pid < process.pid + 5; pid++) {
        if (pid !== process.pid) symlinkSync(victim, join(dir, `.out.conf.${pid}.tmp`));
      }
      await write(target, 'new\n');
      expect(readFileSync(victim, 'utf8')).toBe('secret\n');
      expect(readFileSync(target, 'utf8')).toBe('new\n');
      expect(lstatSync(target).isFile()).toBe(true);
    });

    it('refuses a FIFO or a directory as target at once, without blocking', async () => {
      execFileSync('/usr/bin/mkfifo', [target]);
      const started = Date.now();
      expect(await errorOf(() => write(target, 'x'))).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/FIFO/) });
      rmSync(target);
      mkdirSync(target);
      expect(await errorOf(() => write(target, 'x'))).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/directory/) });
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it.runIf(process.platform === 'linux')('refuses files of kernel pseudo file systems (/proc, /sys)', async () => {
      for (const path of ['/proc/sys/net/ipv4/ip_local_port_range', '/sys/kernel/mm/transparent_hugepage/enabled']) {
        expect(await errorOf(() => write(path, '1 2\n'))).toMatchObject({
          code: 'ERR_INVALID_ARG_VALUE',
          message: expect.stringMatching(/procfs|sysfs/),
        });
      }
    });

    it.runIf(IS_ROOT)('keeps the owner and the mode of the file it replaces (needs root)', async () => {
      writeFileSync(target, 'old\n');
      chownSync(target, OTHER_UID, OTHER_UID);
      chmodSync(target, 0o640);
      await write(target, 'new\n');
      const stat = statSync(target);
      expect({ uid: stat.uid, gid: stat.gid, mode: stat.mode & 0o7777 }).toEqual({ uid: OTHER_UID, gid: OTHER_UID, mode: 0o640 });
      expect(readFileSync(target, 'utf8')).toBe('new\n');
    });

    it('leaves only the target behind, and removes what a killed run of ours left (nothing else)', async () => {
      const dead = deadPid();
      const stale = [`.out.conf.${dead}.0123456789abcdef.tmp`, `.out.conf.${dead}.tmp`];
      for (const name of stale) writeFileSync(join(dir, name), 'half');
      const alive = `.out.conf.${process.ppid}.00000000000000ff.tmp`; // a running writer's
      writeFileSync(join(dir, alive), 'busy');
      const others = `.out.conf.${dead}.fedcba9876543210.tmp`; // another user's file, whatever its name
      writeFileSync(join(dir, others), 'theirs');
      if (IS_ROOT) chownSync(join(dir, others), OTHER_UID, OTHER_UID);
      await write(target, 'new\n');
      const left = readdirSync(dir).sort();
      expect(left).toEqual(['out.conf', alive, ...(IS_ROOT ? [others] : []), 'victim'].sort());
    });

    it('names the real directory in errors, never the /proc/self/fd path it writes through', async () => {
      const long = join(dir, 'n'.repeat(240));
      const error = await errorOf(() => write(long, 'x'));
      expect(error.code).toBe('ENAMETOOLONG');
      expect(String(error.message)).not.toMatch(/\/proc\/self\/fd/);
      expect(String(error.path)).toMatch(new RegExp(`^${dir}/`));
    });
  });
}
