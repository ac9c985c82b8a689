/**
 * Machine-wide port locks, so that no two live processes are handed the same port while it is held or leased.
 *
 * Design (consul freeport holds a listener as a mutex; we hold one per port, on a name instead of on the port):
 * a process owns port P while it keeps a listening socket bound to a name derived from P.
 * - Linux: two abstract unix sockets. Abstract names live in the kernel only (no file to go stale) and are scoped
 *   to the network namespace, exactly like the ports they guard. Made by the backend's addon (`abstractLocks`: one
 *   fd each, no libuv handle) when it has them, else by net.Server. Names are padded to the whole sun_path
 *   (abstract-name.ts): the one spelling every Node version binds alike, whichever way the lock is taken.
 *   - the private name `\0ephemeral-ports/v3/uid/<uid>/<SipHash(secret, P)>` (lock-secret.ts): excludes the processes
 *     of this user; nobody else can compute it, so nobody can squat it in advance.
 *   - the shared name `\0ephemeral-ports/v1/port/P`: excludes the processes of other users (and older versions).
 *     Anyone can bind it, so it is taken when it can be and never trusted to refuse for long: after
 *     {@link SQUAT_TOLERANCE} refusals in a row, a port is taken on the private name alone and
 *     `LOCK_NAMES_SQUATTED` is reported (lock-notices.ts). See DESIGN.md §3 for why this is safe.
 * - Windows: the named pipe `\\?\pipe\ephemeral-ports-v1-port-P` (libuv creates the first instance with
 *   FILE_FLAG_FIRST_PIPE_INSTANCE, so a second owner gets EADDRINUSE). Not exercised by this repository's tests.
 * - Other Unixes (macOS, FreeBSD, AIX): a unix socket file `P.sock` in this user's private directory
 *   (private-directory.ts: owner and mode checked, never followed through a symlink).
 *
 * Acquire = bind that name (atomic in the kernel: exactly one binder wins, others get EADDRINUSE). Release = close
 * it. When the holder dies for any reason, SIGKILL included, the kernel closes its sockets and the name is free
 * **at once** (Linux, Windows). With socket files, a dead holder leaves `P.sock` behind; the next process that wants
 * P connects to it, gets ECONNREFUSED (no listener), removes the file and binds again — also immediately. Remaining
 * race on those OSes only: two processes reclaiming the same dead holder's file at the same instant can both succeed.
 *
 * Lock sockets are unref'd (they never keep the process alive) and close-on-exec (children do not inherit them).
 */
import { unlinkSync } from 'node:fs';
import net from 'node:net';
import { getSystemErrorName } from 'node:util';
import { backendIfLoaded } from '../backend.js';
import type { AbstractLocks } from './from-core.js';
import { join } from 'node:path';
import { fullLengthAbstractName } from './abstract-name.js';
import { loadLockSecret, privateLockName, processSecret } from './lock-secret.js';
import { emitLockNotice } from './lock-notices.js';
import { effectiveUid, ensurePrivateDirectory, privateDirectoryPath } from './private-directory.js';

export type LockNaming = 'abstract' | 'pipe' | 'file';

/**
 * The naming scheme used on `platform`. `EPHEMERAL_PORTS_LOCK_NAMING=file` selects socket files on any Unix: a test
 * seam, so the macOS/FreeBSD/AIX scheme runs on Linux.
 */
export function lockNamingFor(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): LockNaming {
  if (platform === 'win32') return 'pipe';
  if (env.EPHEMERAL_PORTS_LOCK_NAMING === 'file') return 'file';
  if (platform === 'linux') return 'abstract';
  return 'file';
}

/** The directory of socket-file locks (naming `file`): `$EPHEMERAL_PORTS_LOCK_DIR`, else `<os.tmpdir()>/ephemeral-ports-<euid>`. */
export function lockDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return privateDirectoryPath(env);
}

/** The name that everyone computes alike (Linux: the shared name; elsewhere the only one). */
export function lockName(port: number, naming: LockNaming, directory?: string): string {
  switch (naming) {
    case 'abstract':
      return fullLengthAbstractName(`\0ephemeral-ports/v1/port/${port}`);
    case 'pipe':
      return `\\\\?\\pipe\\ephemeral-ports-v1-port-${port}`;
    case 'file':
      return join(directory ?? lockDirectory(), `${port}.sock`);
  }
}

/** A held lock. `release()` is idempotent. */
export interface HeldLock {
  readonly port: number;
  release(): void;
}

/** Why a lock was not obtained: another owner holds it, or binding the name failed for another reason. */
export type LockRefusal = { held: false; code: string };

/** What a held name is closed through: a net.Server, or an fd of the backend's {@link AbstractLocks}. */
interface LockHandle {
  close(): unknown;
}

type ListenResult = { server: LockHandle } | { code: string };

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

/** Nobody talks to a lock; a liveness check (file naming) only needs the connection to be accepted. */
const hangUp = (socket: net.Socket): void => {
  socket.destroy();
};

function listenOn(name: string): { server: net.Server } | Promise<ListenResult> {
  const server = net.createServer(hangUp);
  server.listen({ path: name, exclusive: true, backlog: 8 });
  if (server.listening) {
    server.unref();
    return { server };
  }
  // The bind failed: Node emits the error on the next tick, so a listener attached now still receives it.
  return new Promise((resolve) => {
    server.once('error', (error) => resolve({ code: codeOf(error) }));
    server.once('listening', () => {
      server.unref();
      resolve({ server });
    });
  });
}

/** Resolves true when something accepts connections on the socket file `path` (file naming: a live holder). */
function isAlive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ path });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    // ECONNREFUSED: the file has no listener (holder died). ENOENT: released meanwhile. Anything else: assume alive.
    socket.once('error', (error) => resolve(!['ECONNREFUSED', 'ENOENT'].includes(codeOf(error))));
  });
}

const DEFAULT_NAMING = lockNamingFor();
let directoryReady: string | undefined;

function ensureDirectory(directory: string): void {
  if (directoryReady === directory) return;
  ensurePrivateDirectory(directory);
  directoryReady = directory;
}

/**
 * The lock sockets of the backend (the Linux addon) when one is loaded, else undefined: then net.Server makes them.
 * Never loads one: a first get-port call reads the kernel's facts without the backend (port-facts.ts).
 */
function backendLocks(): AbstractLocks | undefined {
  return backendIfLoaded()?.abstractLocks;
}

/** Binds an abstract name: through the backend's addon when it can, else as {@link listenOn}. */
function listenAbstract(name: string): { server: LockHandle } | Promise<ListenResult> {
  const locks = backendLocks();
  if (locks === undefined) return listenOn(name);
  const fd = locks.listen(name);
  if (fd < 0) return Promise.resolve({ code: getSystemErrorName(fd) });
  return { server: { close: () => locks.close(fd) } };
}

function heldLock(port: number, servers: LockHandle[]): HeldLock {
  let open = true;
  return {
    port,
    release() {
      if (!open) return;
      open = false;
      // Closing a unix-socket server also unlinks its file (libuv), so file locks leave nothing behind.
      for (const server of servers) server.close();
    },
  };
}

// ---- Linux: private + shared abstract names ---------------------------------------------------------------------

/**
 * Shared-name refusals in a row after which a port is taken on its private name alone (and squatting reported).
 * Honest holders of other users are respected until then: with random candidates, a run this long means other users
 * hold nearly the whole pool, or squat it; either way refusing more would only make the search fail.
 */
export const SQUAT_TOLERANCE = 64;

let secret: Buffer | undefined;
/** The uid the secret belongs to: read once with it (geteuid per lock is a measurable share of a call). */
let secretUid = 0;
let refusedInARow = 0;
let squatReported = false;

function lockSecret(): Buffer {
  if (secret) return secret;
  secretUid = effectiveUid();
  try {
    secret = loadLockSecret();
  } catch (error) {
    // Without a trusted secret, this process's private names exclude nobody else of its uid; the shared names
    // still do (unless squatted). A search must not fail for it: report and go on.
    secret = processSecret();
    emitLockNotice({
      code: 'LOCK_SECRET_UNTRUSTED',
      message: `${(error as Error).message}; using a per-process secret (processes of this user are excluded only by the shared lock names). ${(error as { remedy?: string }).remedy ?? ''}`,
    });
  }
  return secret;
}

/** Forgets the secret and the squat streak (tests). */
export function resetLockStateForTests(): void {
  secret = undefined;
  refusedInARow = 0;
  squatReported = false;
}

function lockAbstract(port: number): HeldLock | LockRefusal | Promise<HeldLock | LockRefusal> {
  const key = lockSecret();
  const own = listenAbstract(privateLockName(port, key, secretUid));
  if (!(own instanceof Promise)) return addShared(port, own.server);
  return own.then((r) => ('code' in r ? { held: false, code: r.code } : addShared(port, r.server)));
}

function addShared(port: number, privateServer: LockHandle): HeldLock | Promise<HeldLock | LockRefusal> {
  const shared = listenAbstract(lockName(port, 'abstract'));
  if (!(shared instanceof Promise)) return sharedTaken(port, privateServer, shared.server);
  return shared.then((r) => ('server' in r ? sharedTaken(port, privateServer, r.server) : sharedRefused(port, privateServer, r.code)));
}

function sharedTaken(port: number, privateServer: LockHandle, sharedServer: LockHandle): HeldLock {
  refusedInARow = 0;
  squatReported = false;
  return heldLock(port, [privateServer, sharedServer]);
}

function sharedRefused(port: number, privateServer: LockHandle, code: string): HeldLock | LockRefusal {
  // We hold the private name, so no process of this uid (and version) holds P: the shared name is held by another
  // user's process, an older version, or a squatter. Respect it a few times; a long run of them is squatting.
  if (code === 'EADDRINUSE' && ++refusedInARow > SQUAT_TOLERANCE) {
    if (!squatReported) {
      squatReported = true;
      emitLockNotice({
        code: 'LOCK_NAMES_SQUATTED',
        message:
          `the shared lock names of ${refusedInARow - 1} ports in a row (the last: ${port}) are held by sockets of ` +
          'other users (or of an older ephemeral-ports): taking ports on this user\'s private locks alone; the bind ' +
          'probe still refuses every port in use, but a process of another user may be handed the same port before ' +
          'either binds it. `ss -xlp | grep ephemeral-ports/v1` shows the holders.',
      });
    }
    return heldLock(port, [privateServer]);
  }
  privateServer.close();
  return { held: false, code };
}

/**
 * Tries to take the machine-wide lock of `port`: a {@link HeldLock}, or a refusal with `code` `EADDRINUSE` (another
 * live owner) or the errno of an unexpected failure (which callers treat as "not available"). A lock taken at once is
 * returned synchronously (the common case, and the one a burst of calls repeats); anything else settles later.
 * Throws `ERR_EPHEMERAL_UNSAFE_LOCK_DIR` (naming `file`) when the lock directory cannot be trusted.
 */
export function tryLockPort(
  port: number,
  naming: LockNaming = DEFAULT_NAMING,
  directory?: string,
): HeldLock | LockRefusal | Promise<HeldLock | LockRefusal> {
  if (naming === 'abstract') return lockAbstract(port);
  // lockDirectory() reads the environment (slow in a hot loop): only the file naming needs it.
  if (naming === 'file') ensureDirectory((directory ??= lockDirectory()));
  const name = lockName(port, naming, directory);
  const attempt = listenOn(name);
  if (!(attempt instanceof Promise)) return heldLock(port, [attempt.server]);
  return settleLock(port, name, naming, attempt);
}

async function settleLock(port: number, name: string, naming: LockNaming, attempt: Promise<ListenResult>): Promise<HeldLock | LockRefusal> {
  let result = await attempt;
  if ('code' in result && result.code === 'EADDRINUSE' && naming === 'file' && !(await isAlive(name))) {
    // A dead holder's socket file, in a directory only this user can write: reclaim it.
    try {
      unlinkSync(name);
    } catch (error) {
      if (codeOf(error) !== 'ENOENT') return { held: false, code: codeOf(error) };
    }
    const again = listenOn(name);
    result = again instanceof Promise ? await again : again;
  }
  if ('code' in result) return { held: false, code: result.code };
  return heldLock(port, [result.server]);
}
