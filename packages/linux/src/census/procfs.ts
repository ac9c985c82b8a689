/**
 * Fallback census: parses /proc/net/{tcp,tcp6,udp,udp6}. Slower than sock_diag with many sockets and blind to
 * bound-only TCP sockets, so it is used only when the netlink census is unavailable.
 *
 * For another namespace it reads /proc/<pid>/net/*, which only works for `/proc/<pid>/ns/net` paths.
 */
import { EphemeralPortsError, ErrorCodes, type CensusOptions, type Protocol, type SocketEntry } from '@ephemeral-ports/core/model';
import { toOsError } from '../os-error.js';
import type { Remedy } from '../remedy.js';
import { LITTLE_ENDIAN, formatIPv4, formatIPv6 } from './address.js';
import { stateName } from './states.js';


const procNetRemedy: Remedy = ({ code, path }) =>
  code === 'ENOENT' && path !== undefined && !path.startsWith('/proc/self/')
    ? 'the process whose namespace was named has exited: name a running process of that namespace'
    : code === 'ENOENT' || code === 'EACCES' || code === 'EPERM'
      ? 'check that /proc is mounted and readable (hidepid= hides other users\' processes)'
      : undefined;

/** The /proc directory whose net/ tables describe `netns` (undefined = the caller's). */
export function procNetDir(netns: string | undefined): string {
  if (netns === undefined) return '/proc/self/net';
  const match = /^\/proc\/(\d+|self|thread-self)\/ns\/net$/.exec(netns);
  if (!match) {
    throw new EphemeralPortsError(
      ErrorCodes.UNSUPPORTED_OPERATION,
      `the /proc/net fallback can only read namespaces given as /proc/<pid>/ns/net, not ${netns}`,
      { path: netns, remedy: 'Pass the namespace as /proc/<pid>/ns/net of a process inside it, or use the native addon.' },
    );
  }
  return `/proc/${match[1]}/net`;
}

/** Address column `HEX:PORT`: the address is 32-bit words in host byte order. */
function parseEndpoint(field: string, family: 4 | 6): { address: string; port: number } {
  const colon = field.indexOf(':');
  const hex = field.slice(0, colon);
  const port = parseInt(field.slice(colon + 1), 16);
  const bytes = new Uint8Array(16);
  for (let w = 0; w < hex.length / 8; w++) {
    const word = parseInt(hex.slice(w * 8, w * 8 + 8), 16);
    for (let b = 0; b < 4; b++) {
      const shift = LITTLE_ENDIAN ? 8 * b : 8 * (3 - b);
      bytes[w * 4 + b] = (word >>> shift) & 0xff;
    }
  }
  return { address: family === 6 ? formatIPv6(bytes, 0) : formatIPv4(bytes, 0), port };
}

/** Parses one table's text (exported for unit tests). */
export function parseProcNetTable(text: string, protocol: Protocol, family: 4 | 6): SocketEntry[] {
  const out: SocketEntry[] = [];
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const fields = lines[i]!.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const local = parseEndpoint(fields[1]!, family);
    const remote = parseEndpoint(fields[2]!, family);
    out.push({
      protocol,
      family,
      state: stateName(protocol, parseInt(fields[3]!, 16)),
      localAddress: local.address,
      localPort: local.port,
      remoteAddress: remote.address,
      remotePort: remote.port,
      uid: Number(fields[7]),
      inode: Number(fields[9]),
    });
  }
  return out;
}

export async function procfsCensus(options: CensusOptions): Promise<SocketEntry[]> {
  const dir = procNetDir(options.netns);
  const protocols = options.protocols ?? ['tcp', 'udp'];
  const families = options.families ?? [4, 6];
  const out: SocketEntry[] = [];
  // Loaded on use: node:fs/promises at module load would cost every backend user cold-start time.
  const { readFile } = await import('node:fs/promises');
  for (const protocol of protocols) {
    for (const family of families) {
      const path = `${dir}/${protocol}${family === 6 ? '6' : ''}`;
      let text: string;
      try {
        text = await readFile(path, 'latin1');
      } catch (e) {
        // A kernel without IPv6 has no tcp6/udp6 table: that family simply has no sockets.
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' && family === 6) continue;
        throw toOsError(e, procNetRemedy, 'socket census (/proc/net) failed: ');
      }
      for (const entry of parseProcNetTable(text, protocol, family)) out.push(entry);
    }
  }
  return out;
}
