/** Kernel socket state numbers (include/net/tcp_states.h) → the names core uses. */
import type { Protocol, SocketState } from '@ephemeral-ports/core';

const TCP_STATES: readonly (SocketState | undefined)[] = [
  undefined,
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  // TCP_CLOSE in a dump is a socket that is bound but neither listening nor connected ("bound-inactive",
  // dumped by kernels >= 6.7 when every state bit is requested).
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV',
];

/** UDP has no states of its own: the kernel reports TCP_ESTABLISHED for connected sockets and TCP_CLOSE otherwise. */
export function stateName(protocol: Protocol, state: number): SocketState {
  if (protocol === 'udp') return state === 1 ? 'ESTABLISHED' : 'UNCONN';
  return TCP_STATES[state] ?? 'CLOSE';
}
