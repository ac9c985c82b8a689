import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { onLockNotice, type LockNotice } from './lock-notices.js';
import { type HeldLock, SQUAT_TOLERANCE, lockName, lockNamingFor, resetLockStateForTests, tryLockPort } from './port-lock.js';

const held = (l: unknown): l is HeldLock => typeof l === 'object' && l !== null && 'release' in l;

describe('port locks', () => {
  it('names: abstract on Linux, a named pipe on Windows, a socket file elsewhere', () => {
    expect(lockNamingFor('linux')).toBe('abstract');
    expect(lockNamingFor('win32')).toBe('pipe');
    expect(lockNamingFor('darwin')).toBe('file');
    expect(lockNamingFor('linux', { EPHEMERAL_PORTS_LOCK_NAMING: 'file' })).toBe('file');
    expect(lockNamingFor('win32', { EPHEMERAL_PORTS_LOCK_NAMING: 'file' })).toBe('pipe');
    expect(lockName(8080, 'abstract')).toBe('\0ephemeral-ports/v1/port/8080'.padEnd(108, '\0'));
    expect(lockName(8080, 'pipe')).toBe('\\\\?\\pipe\\ephemeral-ports-v1-port-8080');
    expect(lockName(8080, 'file', '/d')).toBe('/d/8080.sock');
  });

  describe.runIf(process.platform === 'linux')('abstract sockets (Linux)', () => {
    it('one owner at a time; release frees it', async () => {
      const port = 40_000 + (process.pid % 20_000);
      const first = await tryLockPort(port, 'abstract');
      expect(held(first)).toBe(true);
      expect(await tryLockPort(port, 'abstract')).toEqual({ held: false, code: 'EADDRINUSE' });
      (first as HeldLock).release();
      (first as HeldLock).release(); // idempotent
      const again = await tryLockPort(port, 'abstract');
      expect(held(again)).toBe(true);
      (again as HeldLock).release();
    });

    it(`a shared name held by someone else is respected ${SQUAT_TOLERANCE} times in a row, then bypassed and reported once`, async () => {
      resetLockStateForTests();
      const base = 30_000 + (process.pid % 10_000);
      const ports = Array.from({ length: SQUAT_TOLERANCE + 3 }, (_, i) => base + i);
      // A squatter holding the shared (predictable) names: it cannot know the private ones.
      const squatters = await Promise.all(
        ports.map((p) => new Promise<net.Server>((resolve) => { const s = net.createServer().listen(lockName(p, 'abstract'), () => resolve(s)); })),
      );
      const notices: LockNotice[] = [];
      const off = onLockNotice((n) => notices.push(n));
      try {
        const results = [];
        for (const port of ports) results.push(await tryLockPort(port, 'abstract'));
        expect(results.slice(0, SQUAT_TOLERANCE)).toEqual(ports.slice(0, SQUAT_TOLERANCE).map(() => ({ held: false, code: 'EADDRINUSE' })));
        expect(results.slice(SQUAT_TOLERANCE).every(held)).toBe(true);
        expect(notices.map((n) => n.code)).toEqual(['LOCK_NAMES_SQUATTED']);
        // Taken on the private name: a second taker of this uid is still refused.
        expect(await tryLockPort(ports[SQUAT_TOLERANCE]!, 'abstract')).toEqual({ held: false, code: 'EADDRINUSE' });
        for (const r of results) if (held(r)) r.release();
      } finally {
        off();
        for (const s of squatters) s.close();
        resetLockStateForTests();
      }
    });
  });

  describe.runIf(process.platform !== 'win32')('socket files (the macOS/FreeBSD/AIX scheme, run here on Unix)', () => {
    it('creates the private directory 0700, one owner at a time, no file left after release', async () => {
      const dir = join(mkdtempSync(join(tmpdir(), 'fp-locks-')), 'locks');
      const first = await tryLockPort(5000, 'file', dir);
      expect(held(first)).toBe(true);
      expect(statSync(dir).mode & 0o7777).toBe(0o700);
      expect(await tryLockPort(5000, 'file', dir)).toEqual({ held: false, code: 'EADDRINUSE' });
      (first as HeldLock).release();
      await new Promise((r) => setTimeout(r, 20));
      expect(existsSync(join(dir, '5000.sock'))).toBe(false);
    });

    it('reclaims the file of a holder killed with SIGKILL', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'fp-locks-')); // mkdtemp: 0700, ours
      const path = join(dir, '5001.sock');
      // A holder that dies without closing leaves its socket file behind.
      const script = `require('net').createServer().listen(${JSON.stringify(path)}, () => { console.log('up'); process.kill(process.pid, 'SIGKILL'); });`;
      await new Promise<void>((resolve) => execFile(process.execPath, ['-e', script], () => resolve()));
      expect(existsSync(path)).toBe(true);
      const lock = await tryLockPort(5001, 'file', dir);
      expect(held(lock)).toBe(true);
      expect(await tryLockPort(5001, 'file', dir)).toEqual({ held: false, code: 'EADDRINUSE' });
      (lock as HeldLock).release();
    });
  });
});
