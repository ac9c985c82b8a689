/**
 * A TCP socket workload for the census, usage and big-host suites: in a private network namespace, processes of
 * bench/native/socket-holder.c, each listening on its own port and holding both ends of its connections to itself.
 * Each stays below this machine's 20,000 open files per process, and each listener port is its own destination,
 * so no (local port, destination) pair runs short however many sockets there are. A C holder builds its
 * connections far faster than a Node process and costs no heap, which matters at a million sockets. The workload
 * grows in place (`growTo`), so a suite measuring several sizes builds each connection once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { NSENTER, createNetns, type Netns } from '../test/helpers/netns.js';

const FIRST_PORT = 7000;
/** Connections per holder: two open files each, plus the listener and stdio, below 20,000. */
export const CONNECTIONS_PER_HOLDER = 9_900;
/** Holders building at once: the machine's cores build them, more would only queue. */
const PARALLEL = 2;

export interface HolderWorkload {
  readonly ns: Netns;
  /** TCP sockets held: both ends of every connection plus one listener per holder. */
  readonly sockets: number;
  readonly pids: readonly number[];
  /** Adds holders until at least `sockets` TCP sockets are held (rounded up to whole connections). */
  growTo(sockets: number, onProgress?: (held: number) => void): Promise<void>;
  close(): Promise<void>;
}

/** Starts one holder (added to `children` at once, so a failure elsewhere still kills it) and waits until ready. */
function startHolder(ns: Netns, exe: string, port: number, connections: number, children: ChildProcess[]): Promise<ChildProcess> {
  const child = spawn(NSENTER, [`--net=${ns.path}`, '--', exe, String(port), String(connections)], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += String(d)));
    child.stdout.on('data', (d: Buffer) => {
      out += String(d);
      if (/^ready \d+$/m.test(out)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`socket-holder on port ${port} exited (${code}): ${err.trim()}`)));
  });
}

/** `exe` is the compiled bench/native/socket-holder.c (compileFloor('socket-holder', ...)). */
export async function createHolderWorkload(exe: string, sockets = 0, onProgress?: (held: number) => void): Promise<HolderWorkload> {
  const ns = await createNetns();
  const children: ChildProcess[] = [];
  let held = 0;
  const close = async (): Promise<void> => {
    await Promise.all(
      children.map(async (c) => {
        if (c.exitCode !== null || c.signalCode !== null) return;
        const exited = new Promise((r) => c.once('exit', r));
        c.kill('SIGKILL');
        await exited;
      }),
    );
    await ns.close();
  };
  const growTo = async (target: number, progress = onProgress): Promise<void> => {
    const plan: number[] = [];
    // Each new holder adds 2 sockets per connection plus its listener.
    for (let left = target - held; left > 1; ) {
      const n = Math.min(Math.ceil((left - 1) / 2), CONNECTIONS_PER_HOLDER);
      plan.push(n);
      left -= 2 * n + 1;
    }
    for (let i = 0; i < plan.length; i += PARALLEL) {
      const batch = plan.slice(i, i + PARALLEL);
      const firstPort = FIRST_PORT + children.length;
      await Promise.all(batch.map((n, j) => startHolder(ns, exe, firstPort + j, n, children)));
      held += batch.reduce((a, n) => a + 2 * n + 1, 0);
      progress?.(held);
    }
  };
  try {
    await growTo(sockets);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    ns,
    get sockets() {
      return held;
    },
    get pids() {
      return children.map((c) => c.pid!);
    },
    growTo: async (target, progress) => {
      try {
        await growTo(target, progress);
      } catch (error) {
        await close();
        throw error;
      }
    },
    close,
  };
}
