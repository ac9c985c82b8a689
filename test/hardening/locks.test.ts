/**
 * Issue 20, "Locks": another local user must not be able to deny ports to everyone by squatting the predictable Linux
 * lock names, nor turn the socket-file lock directory (macOS/FreeBSD/AIX scheme, forced here on Linux) against its
 * user by pre-creating it or planting a symlink in its place.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onLockNotice, type LockNotice } from '../../packages/ephemeral-ports/src/free-port/lock-notices.js';
import { type HeldLock, resetLockStateForTests, tryLockPort } from '../../packages/ephemeral-ports/src/free-port/port-lock.js';
import { UNSAFE_LOCK_DIR } from '../../packages/ephemeral-ports/src/free-port/private-directory.js';
import { childScript, startChild } from '../free-port/child.js';

const GET_PORT_CHILD = fileURLToPath(new URL('../get-port/fixtures/get-port-child.ts', import.meta.url));
import { NETNS_REQUIREMENT, NSENTER, type Netns, SETPRIV, canUseNetns, createNetns } from '../helpers/netns.js';

const NOBODY = 65_534;
const isRoot = process.platform !== 'win32' && process.getuid?.() === 0;
const ROOT_REQUIREMENT = isRoot ? '(as root, to own files as uid 65534)' : '(skipped: needs root to own files as uid 65534)';
const held = (l: unknown): l is HeldLock => typeof l === 'object' && l !== null && 'release' in l;

/** A directory every user can enter and read, for scripts and files handed to uid 65534. */
function sharedScratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'locks-hardening-'));
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * The squatter, run as uid 65534: binds every lock name of the victim it can compute for ports low..high — the
 * shared names, and the private names under guessed secrets — and really listens on every 10th port.
 */
const SQUATTER = `
const net = require('node:net');
const siphash = require('./siphash.js');
const [low, high, victimUid] = process.argv.slice(2).map(Number);
const names = [];
for (let p = low; p <= high; p++) {
  // Padded to the whole sun_path, as the library spells every abstract name (abstract-name.ts).
  names.push(('\\0ephemeral-ports/v1/port/' + p).padEnd(108, '\\0'));
  for (const key of [new Uint32Array(4), siphash.string16_to_key('ephemeral-ports!')]) {
    names.push(('\\0ephemeral-ports/v3/uid/' + victimUid + '/' + siphash.hash_hex(key, 'port/' + p)).padEnd(108, '\\0'));
  }
}
const bound = (server, options) => new Promise((resolve) => { server.once('error', () => resolve(false)); server.listen(options, () => resolve(true)); });
(async () => {
  let squatted = 0;
  for (const name of names) if (await bound(net.createServer(), { path: name })) squatted++;
  const ports = [];
  for (let p = low; p <= high; p += 10) if (await bound(net.createServer(), { port: p, host: '::' })) ports.push(p);
  process.stdout.write(JSON.stringify({ uid: process.getuid(), squatted, names: names.length, ports }) + '\\n');
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
})();
`;

interface Allocated {
  results: { port: number; warnings: { code: string; message: string }[] }[];
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl !== -1) resolve(out.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`squatter exited (${code}): ${err}`)));
  });
}

describe.runIf(canUseNetns)(`Linux: lock names squatted by another user ${NETNS_REQUIREMENT}`, () => {
  const SEARCH = { low: 20_000, high: 20_999 };
  let ns: Netns;
  let squatter: ChildProcess | undefined;
  let squatted: { uid: number; squatted: number; names: number; ports: number[] };

  beforeAll(async () => {
    ns = await createNetns();
    await ns.writeRange(40_000, 50_000);
    const scratch = sharedScratch();
    const script = join(scratch, 'squatter.cjs');
    writeFileSync(script, SQUATTER, { mode: 0o644 });
    // The same SipHash the library uses, beside the script: the squatter runs as nobody, outside this tree.
    copyFileSync(createRequire(import.meta.url).resolve('siphash/lib/siphash.js'), join(scratch, 'siphash.js'));
    squatter = spawn(
      NSENTER,
      [`--net=${ns.path}`, '--', SETPRIV, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, script, String(SEARCH.low), String(SEARCH.high), '0'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    squatted = JSON.parse(await firstLine(squatter));
  }, 60_000);
  afterAll(async () => {
    squatter?.stdin?.end();
    squatter?.kill();
    await ns?.close();
  });

  it('getFreePort of root still succeeds quickly, never hands out a port the squatter holds, and reports the squatting', async () => {
    expect(squatted.uid).toBe(NOBODY);
    expect(squatted.squatted).toBe(squatted.names); // every name it could compute is bound
    expect(squatted.ports.length).toBe(100);
    const started = performance.now();
    const child = await startChild<Allocated>(
      ns,
      { mode: 'allocate', count: 20, options: { range: SEARCH } },
      { env: { ...process.env, NODE_DEBUG: 'ephemeral-ports', EPHEMERAL_PORTS_LOCK_DIR: mkdtempSync(join(tmpdir(), 'victim-locks-')) } },
    );
    try {
      const answer = await child.answer;
      const elapsed = performance.now() - started;
      const ports = answer.results.map((r) => r.port);
      expect(new Set(ports).size).toBe(20);
      for (const port of ports) {
        expect(port >= SEARCH.low && port <= SEARCH.high).toBe(true);
        expect(squatted.ports.includes(port), `${port} is bound by the squatter`).toBe(false);
      }
      expect(elapsed).toBeLessThan(15_000); // child start-up included; a search that failed over would not return at all
      expect(child.stderr()).toContain('LOCK_NAMES_SQUATTED');
      // The call whose lock met the squatting says so in its own result, not only on the debug channel.
      const squatWarnings = answer.results.flatMap((r) => r.warnings).filter((w) => w.code === 'LOCK_NAMES_SQUATTED');
      expect(squatWarnings.length).toBeGreaterThanOrEqual(1);
      expect(squatWarnings[0]!.message).toMatch(/held by sockets of other users/);
    } finally {
      await child.stop();
    }
  }, 60_000);

  it("get-port's onWarning receives LOCK_NAMES_SQUATTED with the port whose lock met it", async () => {
    const child = await startChild<{ ports: number[]; warnings: { code: string; port: number; message: string }[] }>(
      ns,
      // Preferred ports inside the squatted block: each lock meets a squatted shared name.
      { mode: 'warnings', count: 5, options: { port: Array.from({ length: 1000 }, (_, i) => SEARCH.low + i) } },
      { source: GET_PORT_CHILD, env: { ...process.env, EPHEMERAL_PORTS_LOCK_DIR: mkdtempSync(join(tmpdir(), 'victim-locks-')) } },
    );
    try {
      const { ports, warnings } = await child.answer;
      expect(ports).toHaveLength(5);
      const squat = warnings.filter((w) => w.code === 'LOCK_NAMES_SQUATTED');
      expect(squat.length).toBeGreaterThanOrEqual(1);
      expect(ports).toContain(squat[0]!.port);
      expect(squat[0]!.message).toMatch(/held by sockets of other users/);
    } finally {
      await child.stop();
    }
  }, 60_000);

  it('processes of one user still exclude each other while the shared names are squatted (private names)', async () => {
    const env = { ...process.env, EPHEMERAL_PORTS_LOCK_DIR: mkdtempSync(join(tmpdir(), 'victim-locks-')) };
    const children = await Promise.all(
      Array.from({ length: 4 }, () => startChild<Allocated>(ns, { mode: 'allocate', count: 100, options: { range: SEARCH } }, { env })),
    );
    try {
      const ports = (await Promise.all(children.map((c) => c.answer))).flatMap((a) => a.results.map((r) => r.port));
      expect(ports).toHaveLength(400);
      expect(new Set(ports).size).toBe(400);
      for (const port of ports) expect(squatted.ports.includes(port)).toBe(false);
    } finally {
      await Promise.all(children.map((c) => c.stop()));
    }
  }, 120_000);
});

describe.runIf(canUseNetns)(`Linux: processes of different users still exclude each other ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns;
  beforeAll(async () => {
    ns = await createNetns();
    await ns.writeRange(40_000, 50_000);
  });
  afterAll(async () => ns?.close());

  it('ports held by uid 65534 through the library are refused to root as locked (shared names)', async () => {
    // The bundled fixture, copied where uid 65534 can read it.
    const script = join(sharedScratch(), 'child.mjs');
    copyFileSync(await childScript(), script);
    chmodSync(script, 0o644);
    const range = { low: 20_000, high: 20_099 };
    const other = spawn(
      NSENTER,
      [`--net=${ns.path}`, '--', SETPRIV, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, script,
        JSON.stringify({ mode: 'allocate', count: 40, options: { range } })],
      { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: sharedScratch(), EPHEMERAL_PORTS_LOCK_DIR: '' } },
    );
    try {
      const theirs = (JSON.parse(await firstLine(other)) as Allocated).results.map((r) => r.port);
      expect(theirs).toHaveLength(40);
      const checked = await startChild<{ results: { port: number; rejection?: { reason: string } }[] }>(ns, { mode: 'check', ports: theirs });
      try {
        expect((await checked.answer).results.map((r) => r.rejection?.reason)).toEqual(theirs.map(() => 'locked'));
      } finally {
        await checked.stop();
      }
      // And an allocation of root in the same 100 ports gets only the other 60.
      const mine = await startChild<Allocated>(ns, { mode: 'allocate', count: 60, options: { range } });
      try {
        const ports = (await mine.answer).results.map((r) => r.port);
        expect(ports.filter((p) => theirs.includes(p))).toEqual([]);
      } finally {
        await mine.stop();
      }
    } finally {
      other.stdin?.end();
      other.kill();
    }
  }, 60_000);
});

describe.runIf(process.platform === 'linux' && isRoot)(`Linux: an untrusted lock-secret directory ${ROOT_REQUIREMENT}`, () => {
  it('a secret directory pre-created by another user is not used; locks still work and it is reported', async () => {
    const dir = join(sharedScratch(), 'ephemeral-ports-0');
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, NOBODY, NOBODY);
    const saved = process.env.EPHEMERAL_PORTS_LOCK_DIR;
    process.env.EPHEMERAL_PORTS_LOCK_DIR = dir;
    resetLockStateForTests();
    const notices: LockNotice[] = [];
    const off = onLockNotice((n) => notices.push(n));
    try {
      const lock = await tryLockPort(45_000 + (process.pid % 5_000), 'abstract');
      expect(held(lock)).toBe(true);
      (lock as HeldLock).release();
      expect(notices.map((n) => n.code)).toEqual(['LOCK_SECRET_UNTRUSTED']);
      expect(notices[0]!.message).toContain(`owned by uid ${NOBODY}`);
      expect(readdirSync(dir)).toEqual([]); // nothing written into another user's directory
    } finally {
      off();
      if (saved === undefined) delete process.env.EPHEMERAL_PORTS_LOCK_DIR;
      else process.env.EPHEMERAL_PORTS_LOCK_DIR = saved;
      resetLockStateForTests();
    }
  });

  it('a symlinked lock secret is refused (reported), never read through', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secret-dir-'));
    const elsewhere = join(sharedScratch(), 'other-secret');
    writeFileSync(elsewhere, Buffer.alloc(32, 7), { mode: 0o600 });
    symlinkSync(elsewhere, join(dir, 'lock-secret'));
    const saved = process.env.EPHEMERAL_PORTS_LOCK_DIR;
    process.env.EPHEMERAL_PORTS_LOCK_DIR = dir;
    resetLockStateForTests();
    const notices: LockNotice[] = [];
    const off = onLockNotice((n) => notices.push(n));
    try {
      const lock = await tryLockPort(45_000 + (process.pid % 5_000), 'abstract');
      expect(held(lock)).toBe(true);
      (lock as HeldLock).release();
      expect(notices.map((n) => n.code)).toEqual(['LOCK_SECRET_UNTRUSTED']);
    } finally {
      off();
      if (saved === undefined) delete process.env.EPHEMERAL_PORTS_LOCK_DIR;
      else process.env.EPHEMERAL_PORTS_LOCK_DIR = saved;
      resetLockStateForTests();
    }
  });
});

describe.runIf(process.platform !== 'win32' && isRoot)(`socket-file locks (macOS/FreeBSD/AIX scheme, forced) ${ROOT_REQUIREMENT}`, () => {
  it('a lock directory pre-created by another user is refused with ERR_EPHEMERAL_UNSAFE_LOCK_DIR and a remedy', async () => {
    const dir = join(sharedScratch(), 'ephemeral-ports-0');
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, NOBODY, NOBODY);
    let error: { code?: string; remedy?: string; path?: string } | undefined;
    try {
      await tryLockPort(5000, 'file', dir);
    } catch (e) {
      error = e as typeof error;
    }
    expect(error?.code).toBe(UNSAFE_LOCK_DIR);
    expect(error?.path).toBe(dir);
    expect(error?.remedy).toMatch(/EPHEMERAL_PORTS_LOCK_DIR/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a symlink planted in place of the lock directory is refused; the file it points at is not deleted', async () => {
    const scratch = sharedScratch();
    const elsewhere = join(scratch, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    // A file root must not delete, where a stale lock of port 5000 would be.
    const victim = join(elsewhere, '5000.sock');
    writeFileSync(victim, 'precious');
    const dir = join(scratch, 'ephemeral-ports-0');
    symlinkSync(elsewhere, dir);
    let error: { code?: string } | undefined;
    try {
      await tryLockPort(5000, 'file', dir);
    } catch (e) {
      error = e as typeof error;
    }
    expect(error?.code).toBe(UNSAFE_LOCK_DIR);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });

  it('a lock directory of our own with a loose mode is tightened to 0700', async () => {
    const dir = join(sharedScratch(), 'ephemeral-ports-0');
    mkdirSync(dir);
    chmodSync(dir, 0o1777);
    const lock = await tryLockPort(5002, 'file', dir);
    expect(held(lock)).toBe(true);
    (lock as HeldLock).release();
    const { statSync } = await import('node:fs');
    expect(statSync(dir).mode & 0o7777).toBe(0o700);
  });

  describe.runIf(canUseNetns)(`getFreePort with EPHEMERAL_PORTS_LOCK_NAMING=file ${NETNS_REQUIREMENT}`, () => {
    let ns: Netns;
    beforeAll(async () => {
      ns = await createNetns();
    });
    afterAll(async () => ns?.close());

    it('uses <TMPDIR>/ephemeral-ports-<uid> (0700), and refuses it with the code when another user made it first', async () => {
      const base = sharedScratch();
      const env = { ...process.env, EPHEMERAL_PORTS_LOCK_NAMING: 'file', TMPDIR: base, EPHEMERAL_PORTS_LOCK_DIR: '' };
      const ok = await startChild<Allocated>(ns, { mode: 'allocate', count: 2, options: { range: { low: 20_000, high: 20_999 } } }, { env });
      try {
        expect((await ok.answer).results).toHaveLength(2);
        expect(readdirSync(join(base, 'ephemeral-ports-0')).sort()).toEqual(
          (await ok.answer).results.map((r) => `${r.port}.sock`).sort(),
        );
      } finally {
        await ok.stop();
      }
      const hostile = sharedScratch();
      mkdirSync(join(hostile, 'ephemeral-ports-0'), { mode: 0o700 });
      chownSync(join(hostile, 'ephemeral-ports-0'), NOBODY, NOBODY);
      const refused = await startChild<Allocated>(ns, { mode: 'allocate', count: 1 }, { env: { ...env, TMPDIR: hostile } });
      try {
        await expect(refused.answer).rejects.toThrow(UNSAFE_LOCK_DIR);
      } finally {
        await refused.stop();
      }
      expect(existsSync(join(hostile, 'ephemeral-ports-0'))).toBe(true);
    }, 60_000);
  });
});
