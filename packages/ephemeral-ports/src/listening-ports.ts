/**
 * Ports where services listen now — what a new ephemeral range must not swallow. From the backend's socket census
 * when it has one; on Linux otherwise from /proc/<pid>/net/{tcp,tcp6,udp,udp6} (only the state and local-port
 * columns are read, so no address decoding is needed).
 */
import { type EphemeralPortsBackend, PortSet } from '@ephemeral-ports/core';

export interface ListeningPorts {
  ports: PortSet;
  /** Where the list came from (the census' source, e.g. `netlink:sock_diag`; `procfs:/proc/self/net`), or `unavailable`. */
  source: string;
  /** Why the list is empty because it could not be read, when it could not. */
  unavailableReason?: string;
}

/** Linux TCP state code of LISTEN in /proc/net/tcp; UDP sockets that are bound but unconnected show 07 (CLOSE). */
const TCP_LISTEN = '0A';
const UDP_UNCONNECTED = '07';

/**
 * Ports with a listening TCP socket or a bound, unconnected UDP socket — in the caller's namespace or `netns`.
 *
 * @example
 * ```ts
 * import { getBackend, listeningPorts } from 'ephemeral-ports';
 * const { ports, source } = await listeningPorts(getBackend());
 * ports.has(22); // true when sshd listens
 * ```
 */
export async function listeningPorts(backend: EphemeralPortsBackend, netns?: string): Promise<ListeningPorts> {
  if (typeof backend.census === 'function' && backend.info().supportsCensus) {
    try {
      const census = await backend.census(netns === undefined ? {} : { netns });
      const ports = census.sockets
        .filter((s) => s.state === 'LISTEN' || (s.protocol === 'udp' && s.state === 'UNCONN' && s.remotePort === 0))
        .map((s) => s.localPort);
      return { ports: PortSet.fromPorts(ports), source: census.source };
    } catch (error) {
      if (backend.os !== 'linux') return unavailable(`census failed: ${(error as Error).message}`);
    }
  }
  if (backend.os !== 'linux') return unavailable(`the ${backend.os} backend has no socket census`);
  // A simulated machine (core's memory backend) has no sockets: this host's /proc would describe another one.
  if (process.platform !== 'linux' || backend.info().implementation === 'memory') {
    return unavailable(`the ${backend.info().implementation} backend is not this machine's kernel`);
  }
  const dir = procNetDir(netns);
  if (dir === null) return unavailable(`cannot read /proc/net tables of ${netns} without the census`);
  try {
    return { ports: await readProcNet(dir), source: `procfs:${dir}` };
  } catch (error) {
    return unavailable(`cannot read ${dir}: ${(error as Error).message}`);
  }
}

function unavailable(reason: string): ListeningPorts {
  return { ports: PortSet.EMPTY, source: 'unavailable', unavailableReason: reason };
}

function procNetDir(netns: string | undefined): string | null {
  if (netns === undefined) return '/proc/self/net';
  const m = /^\/proc\/(\d+|self)\/ns\/net$/.exec(netns);
  return m ? `/proc/${m[1]}/net` : null;
}

/** Reads LISTEN TCP and bound UDP ports from the four tables (a missing table, e.g. IPv6 off, is skipped). */
export async function readProcNet(dir: string): Promise<PortSet> {
  const tables: Array<[string, string]> = [
    ['tcp', TCP_LISTEN],
    ['tcp6', TCP_LISTEN],
    ['udp', UDP_UNCONNECTED],
    ['udp6', UDP_UNCONNECTED],
  ];
  const { readFile } = await import('node:fs/promises'); // loaded on use: keeps the facade's cold start small
  const ports: number[] = [];
  for (const [name, state] of tables) {
    let text: string;
    try {
      text = await readFile(`${dir}/${name}`, 'latin1');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    ports.push(...parseListening(text, state));
  }
  return PortSet.fromPorts(ports);
}

/** Local ports of the rows in `state` (columns: sl local_address rem_address st ...). */
export function parseListening(text: string, state: string): number[] {
  const out: number[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4 || fields[3] !== state) continue;
    const local = fields[1]!;
    const remote = fields[2]!;
    // UDP: only unconnected sockets (remote port 0) are "listening".
    if (state === UDP_UNCONNECTED && !remote.endsWith(':0000')) continue;
    const port = parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    if (Number.isInteger(port)) out.push(port);
  }
  return out;
}
