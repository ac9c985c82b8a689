/** Builders of synthetic sockets for the diagnostics unit tests. */
import type { SocketEntry, SocketState } from '../sockets.js';

export function tcp(state: SocketState, local: string, localPort: number, remote = '0.0.0.0', remotePort = 0): SocketEntry {
  return { protocol: 'tcp', family: local.includes(':') ? 6 : 4, state, localAddress: local, localPort, remoteAddress: remote, remotePort };
}

export function udp(state: 'UNCONN' | 'ESTABLISHED', local: string, localPort: number, remote = '0.0.0.0', remotePort = 0): SocketEntry {
  return { protocol: 'udp', family: local.includes(':') ? 6 : 4, state, localAddress: local, localPort, remoteAddress: remote, remotePort };
}

/** `count` client connections from `local` to `remote:remotePort`, local ports from `firstPort` upwards. */
export function clients(count: number, firstPort: number, remote: string, remotePort: number, state: SocketState = 'ESTABLISHED', local = '10.0.0.1'): SocketEntry[] {
  return Array.from({ length: count }, (_, i) => tcp(state, local, firstPort + i, remote, remotePort));
}
