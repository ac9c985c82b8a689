/**
 * Machine-wide port locks, so that no two live processes are handed the same port while it is held or leased.
 *
 * Design (consul freeport holds a listener as a mutex; we hold one per port, on a name instead of on the port):
 * a process owns port P while it keeps a listening socket bound to a name derived from P.
 * - Linux: the abstract unix socket `\0ephemeral-ports/v1/port/P`. Abstract names live in the kernel only: there
 *   is no file to go stale, and they are scoped to the network namespace, exactly like the ports they guard.
 * - Windows: the named pipe `\\?\pipe\ephemeral-ports-v1-port-P` (libuv creates the first instance with
 *   FILE_FLAG_FIRST_PIPE_INSTANCE, so a second owner gets EADDRINUSE). Not exercised by this repository's tests.
 * - Other Unixes (macOS, FreeBSD, AIX): a unix socket file `P.sock` in a shared directory (see `lockDirectory`).
 *
 * Acquire = bind that name (atomic in the kernel: exactly one binder wins, others get EADDRINUSE). Release = close
 * it. When the holder dies for any reason, SIGKILL included, the kernel closes its sockets and the name is free
 * **at once** (Linux, Windows): the time to availability is the time the kernel takes to reap the process. With
 * socket files, a dead holder leaves `P.sock` behind; the next process that wants P connects to it, gets
 * ECONNREFUSED (no listener), removes the file and binds again — also immediately. Remaining race on those
 * OSes only: two processes reclaiming the same dead holder's file at the same instant can both succeed.
 *
 * Lock sockets are unref'd (they never keep the process alive) and close-on-exec (children do not inherit them).
 */
import { chmodSync, mkdirSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type LockNaming = 'abstract' | 'pipe' | 'file';

/** The naming scheme used on `platform`. */
export function lockNamingFor(platform: NodeJS.Platform = process.platform): LockNaming {
  if (platform === 'linux') return 'abstract';
  if (platform === 'win32') return 'pipe';
  return 'file';
}

/**
 * The directory of socket-file locks (naming `file`): `$EPHEMERAL_PORTS_LOCK_DIR`, else
 * `<os.tmpdir()>/ephemeral-ports-locks`, created world-writable and sticky so every user shares one set of locks.
 */
export function lockDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.EPHEMERAL_PORTS_LOCK_DIR || join(tmpdir(), 'ephemeral-ports-locks');
}

export function lockName(port: number, naming: LockNaming, directory?: string): string {
  switch (naming) {
    case 'abstract':
      return `\0ephemeral-ports/v1/port/${port}`;
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

type ListenResult = { server: net.Server } | { code: string };

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
  // The umask trims mkdir's mode; chmod gives the shared directory its sticky, world-writable mode explicitly.
  if (mkdirSync(directory, { recursive: true }) !== undefined) chmodSync(directory, 0o1777);
  directoryReady = directory;
}

function heldLock(port: number, server: net.Server): HeldLock {
  let open = true;
  return {
    port,
    release() {
      if (!open) return;
      open = false;
      // Closing a unix-socket server also unlinks its file (libuv), so file locks leave nothing behind.
      server.close();
    },
  };
}

/**
 * Tries to take the machine-wide lock of `port`: a {@link HeldLock}, or a refusal with `code` `EADDRINUSE` (another
 * live owner) or the errno of an unexpected failure (which callers treat as "not available"). A lock taken at once is
 * returned synchronously (the common case, and the one a burst of calls repeats); anything else settles later.
 */
export function tryLockPort(
  port: number,
  naming: LockNaming = DEFAULT_NAMING,
  directory?: string,
): HeldLock | LockRefusal | Promise<HeldLock | LockRefusal> {
  // lockDirectory() reads the environment (slow in a hot loop): only the file naming needs it.
  if (naming === 'file') ensureDirectory((directory ??= lockDirectory()));
  const name = lockName(port, naming, directory);
  const attempt = listenOn(name);
  if (!(attempt instanceof Promise)) return heldLock(port, attempt.server);
  return settleLock(port, name, naming, attempt);
}

async function settleLock(port: number, name: string, naming: LockNaming, attempt: Promise<ListenResult>): Promise<HeldLock | LockRefusal> {
  let result = await attempt;
  if ('code' in result && result.code === 'EADDRINUSE' && naming === 'file' && !(await isAlive(name))) {
    // A dead holder's socket file: reclaim it.
    try {
      unlinkSync(name);
    } catch (error) {
      if (codeOf(error) !== 'ENOENT') return { held: false, code: codeOf(error) };
    }
    const again = listenOn(name);
    result = again instanceof Promise ? await again : again;
  }
  if ('code' in result) return { held: false, code: result.code };
  return heldLock(port, result.server);
}
