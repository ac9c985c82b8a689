/**
 * How the AIX backend runs `no`: LC_ALL=C, stdin closed, a timeout (EMULATED: scripts stand in for /usr/sbin/no).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNoRunner } from '../../packages/aix/src/no-command.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function script(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'no-runner-'));
  dirs.push(dir);
  const path = join(dir, 'no');
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('no runner (emulated no)', () => {
  it('runs no with LC_ALL=C, whatever the caller locale', async () => {
    const path = script('echo "LC_ALL=$LC_ALL"');
    const old = process.env.LC_ALL;
    process.env.LC_ALL = 'de_DE.UTF-8';
    try {
      expect(await createNoRunner(path).run(['-a'])).toBe('LC_ALL=C\n');
    } finally {
      if (old === undefined) delete process.env.LC_ALL;
      else process.env.LC_ALL = old;
    }
  });

  it('closes stdin: a prompt (e.g. for a restricted tunable) reads end of file instead of waiting', async () => {
    const path = script('printf "Modify restricted tunable? "; if read answer; then echo "answer=$answer"; else echo "EOF"; fi');
    expect(await createNoRunner(path, 5000).run(['-p', '-o', 'x=1'])).toBe('Modify restricted tunable? EOF\n');
  });

  it('stops a no that hangs after the timeout: ETIMEDOUT with syscall no', async () => {
    const path = script('sleep 30');
    const started = Date.now();
    const error = await createNoRunner(path, 300).run(['-x']).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toMatchObject({ code: 'ETIMEDOUT', syscall: 'no', path });
    expect((error as { errno: number }).errno).toBeLessThan(0);
  });
});
