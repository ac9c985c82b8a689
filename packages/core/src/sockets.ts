/** The socket census shape shared by the Linux (sock_diag) and Windows (GetExtended*Table) backends. */
import type { Protocol } from './platform.js';

/** TCP states by their Linux names; `BOUND` is Windows' bound-not-connected state; UDP uses `UNCONN`/`ESTABLISHED`. */
export type SocketState =
  | 'ESTABLISHED'
  | 'SYN_SENT'
  | 'SYN_RECV'
  | 'FIN_WAIT1'
  | 'FIN_WAIT2'
  | 'TIME_WAIT'
  | 'CLOSE'
  | 'CLOSE_WAIT'
  | 'LAST_ACK'
  | 'LISTEN'
  | 'CLOSING'
  | 'NEW_SYN_RECV'
  | 'BOUND'
  | 'UNCONN';

export interface SocketEntry {
  protocol: Protocol;
  family: 4 | 6;
  state: SocketState;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** Socket inode (Linux) when known. */
  inode?: number;
  uid?: number;
  /** Owning process, when asked for and permitted. */
  pid?: number;
  command?: string;
}

/**
 * How a Linux census lists sockets. `auto` (the default): NETLINK_SOCK_DIAG, else /proc/net when the kernel or a
 * sandbox refuses netlink or no addon loaded (the census then says why in `fallbackReason`). `netlink` and `procfs`
 * insist on one and fail with its error instead of falling back.
 */
export type CensusMethod = 'auto' | 'netlink' | 'procfs';

export const CENSUS_METHODS: readonly CensusMethod[] = ['auto', 'netlink', 'procfs'];

export interface CensusOptions {
  protocols?: readonly Protocol[];
  families?: readonly (4 | 6)[];
  /** Resolve owning processes (slower; may need privileges). */
  processes?: boolean;
  /** Linux: network namespace path. */
  netns?: string;
  /** Linux: which kernel interface lists the sockets (see {@link CensusMethod}); other platforms ignore it. */
  method?: CensusMethod;
}

export interface SocketCensus {
  sockets: SocketEntry[];
  /** How the sockets were listed, e.g. `netlink:sock_diag`, `procfs:/proc/net`, `iphlpapi`. */
  source: string;
  /** Why a fallback was used, when it was. */
  fallbackReason?: string;
}
