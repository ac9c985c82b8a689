/**
 * Bind probes: is a port bindable right now, on every address a server might use, for TCP and/or UDP?
 *
 * A probe binds (TCP: bind + listen, like a server) and closes at once. `EADDRINUSE` and `EACCES` both mean
 * "not free" (EACCES is what Windows excluded ranges and privileged ports give). `EADDRNOTAVAIL`,
 * `EAFNOSUPPORT`, `EPROTONOSUPPORT` and `EINVAL` mean the address or family does not exist here (IPv6 disabled,
 * no `::1` in this netns): that address is skipped, not failed. Every outcome is reported, so callers can tell why a
 * port was refused.
 *
 * Why this is fast: without a host, Node binds synchronously inside `listen()` (with a host it first resolves it, a
 * tick later even for IP literals), so a successful bind is visible as `server.listening` right away, and `close()`
 * closes the fd synchronously. Failures settle on the next tick. No probe ever waits for an event-loop turn.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { Protocol } from '@ephemeral-ports/core';

/** Where a probe binds. `::` is bound dual-stack (IPV6_V6ONLY off), as Node servers do by default. */
export type ProbeAddress = '0.0.0.0' | '::' | '127.0.0.1' | '::1' | (string & {});

/** The four addresses the explicit plan binds on: wildcard and loopback of both families. */
export const ALL_ADDRESSES: readonly ProbeAddress[] = Object.freeze(['::', '0.0.0.0', '127.0.0.1', '::1']);

/** One bind attempt. `code` is the errno name when the bind failed. */
export interface ProbeOutcome {
  protocol: Protocol;
  address: string;
  /**
   * `bound`: accepted. `taken`: refused (EADDRINUSE, EACCES, or an unexpected error such as EMFILE).
   * `skipped`: the address or family is absent here.
   */
  result: 'bound' | 'taken' | 'skipped';
  code?: string;
}

export interface ProbeReport {
  port: number;
  free: boolean;
  outcomes: ProbeOutcome[];
}

const SKIP_CODES: ReadonlySet<string> = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EPROTONOSUPPORT', 'EINVAL']);

type BindResult = { ok: true } | { ok: false; code: string };

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

function settleLater(server: net.Server, failure: () => string | undefined): Promise<BindResult> {
  return new Promise((resolve) => {
    const settle = () => {
      const code = failure();
      if (server.listening) server.close();
      resolve(code === undefined ? { ok: true } : { ok: false, code });
    };
    if (failure() !== undefined) return settle();
    server.once('error', settle);
    server.once('listening', settle);
  });
}

/** TCP: bind + listen on `host:port`, then close. Node resolves `host` first (a tick, even for IP literals). */
function bindTcp(port: number, host: string): Promise<BindResult> {
  const server = net.createServer();
  let failure: string | undefined;
  server.on('error', (error) => {
    failure = codeOf(error);
  });
  server.listen({ port, host, exclusive: true, backlog: 1 });
  return settleLater(server, () => failure);
}

/**
 * One server reused by every dual-stack probe: a closed net.Server can listen again, and the whole probe
 * (listen → check → close) runs synchronously, so concurrent callers never see it mid-use. Saves building a server
 * per probe. Its late `error`/`listening`/`close` events are ignored.
 */
let shared: net.Server | undefined;
function sharedServer(): net.Server {
  if (!shared) {
    shared = net.createServer();
    shared.on('error', () => undefined);
    shared.unref();
  }
  return shared;
}

/**
 * TCP on `::` dual-stack without a lookup: `listen({port})` with no host binds synchronously, on `::` (IPV6_V6ONLY
 * off) or, when that bind fails for any reason, on `0.0.0.0`. Only the clean case — bound on `::` — is decided
 * here. Anything else (both binds failed, or it fell back to 0.0.0.0 because IPv6 is absent or `::` is taken) is
 * settled by an explicit `::` bind, which reports the errno; without IPv6 that bind reports `::` as skipped and the
 * plan goes on to bind 0.0.0.0 explicitly.
 */
function bindTcpDualStack(port: number): BindResult | Promise<BindResult> {
  const server = sharedServer();
  server.listen({ port, exclusive: true, backlog: 1 });
  if (server.listening) {
    const address = server.address();
    server.close();
    if (typeof address === 'object' && address !== null && address.family === 'IPv6') return { ok: true };
  }
  return bindTcp(port, '::');
}

/** UDP: bind on `host:port`, then close. `::` is dual-stack (ipv6Only false). */
function bindUdp(port: number, host: string): Promise<BindResult> {
  return new Promise((resolve) => {
    const type = net.isIPv6(host) ? 'udp6' : 'udp4';
    const socket = dgram.createSocket({ type, ipv6Only: false });
    socket.once('error', (error) => {
      socket.close();
      resolve({ ok: false, code: codeOf(error) });
    });
    socket.bind({ port, address: host, exclusive: true }, () => {
      socket.close();
      resolve({ ok: true });
    });
  });
}

function classify(protocol: Protocol, address: string, bound: BindResult): ProbeOutcome {
  if (bound.ok) return { protocol, address, result: 'bound' };
  const result = SKIP_CODES.has(bound.code) ? 'skipped' : 'taken';
  return { protocol, address, result, code: bound.code };
}

/**
 * How to probe: the addresses to bind, in order, and whether the first successful bind already proves the port
 * free for that protocol (true for Linux's dual-stack wildcard; see `defaultProbePlan`).
 */
export interface ProbePlan {
  addresses: readonly string[];
  firstBoundSuffices: boolean;
}

/**
 * Probes `port` for each protocol along `plan`, stopping at the first address that refuses it. The port is free when
 * at least one bind succeeded per protocol and none was refused. Unexpected errors (EMFILE, ...) also count as "not
 * free" and carry their code, so a broken machine never yields a port that was not really checked.
 */
export async function probePort(port: number, protocols: readonly Protocol[], plan: ProbePlan): Promise<ProbeReport> {
  const outcomes: ProbeOutcome[] = [];
  for (const protocol of protocols) {
    let bound = 0;
    for (const address of plan.addresses) {
      const attempt =
        protocol === 'udp'
          ? bindUdp(port, address)
          : plan.firstBoundSuffices && address === '::'
            ? bindTcpDualStack(port)
            : bindTcp(port, address);
      const outcome = classify(protocol, address, attempt instanceof Promise ? await attempt : attempt);
      outcomes.push(outcome);
      if (outcome.result === 'taken') return { port, free: false, outcomes };
      if (outcome.result === 'bound') {
        bound++;
        if (plan.firstBoundSuffices) break;
      }
    }
    if (bound === 0) return { port, free: false, outcomes };
  }
  return { port, free: true, outcomes };
}

/** Bind each of {@link ALL_ADDRESSES} in turn (`addresses: 'all'`, and the default off Linux). */
export const ALL_ADDRESSES_PLAN: ProbePlan = Object.freeze({ addresses: ALL_ADDRESSES, firstBoundSuffices: false });
const LINUX_PLAN: ProbePlan = Object.freeze({ addresses: Object.freeze(['::', '0.0.0.0']), firstBoundSuffices: true });

/**
 * The default plan for this OS when no `host` is given.
 *
 * Linux: one dual-stack bind on `::`. The kernel's bind-conflict check (`inet_csk_bind_conflict` /
 * `udp_lib_lport_inuse` with `ipv6_rcv_saddr_equal`) treats a non-v6only `::` socket as matching every local
 * address of both families, so that single bind fails whenever any socket holds the port on 0.0.0.0, ::,
 * 127.0.0.1, ::1 or any other address (test/free-port proves it per address on the real kernel). When IPv6 is
 * absent the bind is skipped and `0.0.0.0` (which matches every IPv4 address) is probed instead.
 *
 * Other OSes (BSD/macOS and Windows let a specific bind coexist with a wildcard holder and vice versa): every
 * address of {@link ALL_ADDRESSES} is bound in turn.
 */
export function defaultProbePlan(platform: NodeJS.Platform = process.platform): ProbePlan {
  return platform === 'linux' ? LINUX_PLAN : ALL_ADDRESSES_PLAN;
}
