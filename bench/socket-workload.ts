/**
 * A TCP socket workload in a private network namespace for the census and usage suites: listener processes (one
 * port each) holding the accepted ends, client processes holding the connections. No process holds more than
 * PER_PROCESS connections, so every one stays below this machine's 20,000 open files per process. The workload
 * grows in place (`growTo`), so a suite measuring several sizes builds each connection once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { NSENTER, createNetns, type Netns } from '../test/helpers/netns.js';

const FIRST_PORT = 7000;
/** Connections per listener and per client process (each end is one open file). */
const PER_PROCESS = 15_000;

const LISTENER_JS = `
const net = require('node:net');
const held = [];
const server = net.createServer((s) => { held.push(s); s.on('error', () => {}); });
server.maxConnections = 100000;
server.listen({ port: Number(process.argv[1]), host: '127.0.0.1', backlog: 4096 }, () => process.stdout.write('ready\\n'));
let last = -1;
setInterval(() => { if (held.length !== last) process.stdout.write('accepted ' + (last = held.length) + '\\n'); }, 100);
`;

const CLIENT_JS = `
const net = require('node:net');
const port = Number(process.argv[1]);
const total = Number(process.argv[2]);
const held = [];
let pending = 0, opened = 0;
function more() {
  while (pending < 256 && opened + pending < total) {
    pending++;
    const s = net.connect({ port, host: '127.0.0.1' });
    s.on('connect', () => { pending--; opened++; held.push(s); if (opened === total) process.stdout.write('ready ' + opened + '\\n'); else more(); });
    s.on('error', (e) => { process.stderr.write('connect failed: ' + e.code + '\\n'); process.exit(1); });
  }
}
more();
`;

function startInNs(ns: Netns, code: string, args: string[]): ChildProcess {
  return spawn(NSENTER, [`--net=${ns.path}`, '--', process.execPath, '-e', code, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    let stderr = '';
    const done = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`workload not ready after ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      buffer += String(d);
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      const line = lines.find((l) => pattern.test(l));
      if (line) {
        done();
        resolve(line);
      }
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`workload exited (${code}): ${stderr}`));
    };
    child.stderr?.on('data', (d: Buffer) => (stderr += String(d)));
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

interface Slot {
  port: number;
  listener: ChildProcess;
  /** Connections sent its way. */
  accepted: number;
  /** Connections it reported accepted. */
  seen: number;
}

export interface SocketWorkload {
  readonly ns: Netns;
  /** Connections open now (each is two TCP sockets, plus one listening socket per listener). */
  readonly connections: number;
  /** Adds connections until `connections` reaches `total`. */
  growTo(total: number): Promise<void>;
  close(): Promise<void>;
}

export async function createSocketWorkload(): Promise<SocketWorkload> {
  const ns = await createNetns();
  const children: ChildProcess[] = [];
  const slots: Slot[] = [];
  let connections = 0;

  const addSlot = async (): Promise<Slot> => {
    const port = FIRST_PORT + slots.length;
    const listener = startInNs(ns, LISTENER_JS, [String(port)]);
    children.push(listener);
    await waitForLine(listener, /^ready$/, 20_000);
    const slot: Slot = { port, listener, accepted: 0, seen: 0 };
    // One reader for the listener's whole life: a stream left without a 'data' handler drops what it reads.
    let buffer = '';
    listener.stdout?.on('data', (d: Buffer) => {
      buffer += String(d);
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('accepted ')) slot.seen = Number(line.slice(9));
    });
    slots.push(slot);
    return slot;
  };

  const growTo = async (total: number): Promise<void> => {
    const waits: Promise<unknown>[] = [];
    while (connections < total) {
      let slot = slots.at(-1);
      if (!slot || slot.accepted >= PER_PROCESS) slot = await addSlot();
      const n = Math.min(total - connections, PER_PROCESS - slot.accepted);
      const client = startInNs(ns, CLIENT_JS, [String(slot.port), String(n)]);
      children.push(client);
      slot.accepted += n;
      connections += n;
      waits.push(waitForLine(client, /^ready \d+$/, 180_000));
    }
    await Promise.all(waits);
    const deadline = Date.now() + 60_000;
    while (slots.some((s) => s.seen !== s.accepted)) {
      if (Date.now() > deadline) throw new Error(`listeners accepted ${slots.map((s) => s.seen)} of ${slots.map((s) => s.accepted)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

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

  return {
    ns,
    get connections() {
      return connections;
    },
    growTo,
    close,
  };
}
