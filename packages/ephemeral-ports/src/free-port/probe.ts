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
import type dgram from 'node:dgram';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Protocol } from './from-core.js';

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

/**
 * `net.ListenOptions` a caller wants the TCP test bind to use (get-port passes its remaining options to `listen`):
 * `ipv6Only`, `reusePort`, `exclusive`, `backlog`... Never the port, host, path or signal, which the probe owns.
 */
export type TestBindOptions = Omit<net.ListenOptions, 'port' | 'host' | 'path' | 'signal'> & {
  /** SO_REUSEPORT (Node 22.12+; older Nodes ignore it). */
  reusePort?: boolean;
};

/** TCP: bind + listen on `host:port`, then close. Node resolves `host` first (a tick, even for IP literals). */
function bindTcp(port: number, host: string, testBind?: TestBindOptions): Promise<BindResult> {
  const server = net.createServer();
  let failure: string | undefined;
  server.on('error', (error) => {
    failure = codeOf(error);
  });
  server.listen({ exclusive: true, backlog: 1, ...testBind, port, host });
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
function bindTcpDualStack(port: number, testBind?: TestBindOptions): BindResult | Promise<BindResult> {
  // SO_REUSEPORT changes what the kernel calls a conflict: such a bind goes through the explicit path with it.
  if (testBind !== undefined && testBind.reusePort) return bindTcp(port, '::', { ...testBind, ipv6Only: false });
  const server = sharedServer();
  server.listen({ port, exclusive: true, backlog: 1 });
  if (server.listening) {
    const address = server.address();
    server.close();
    if (typeof address === 'object' && address !== null && address.family === 'IPv6') return { ok: true };
  }
  // Dual-stack even when the caller asked for ipv6Only: without a host this one bind stands for every address.
  return bindTcp(port, '::', testBind && { ...testBind, ipv6Only: false });
}

/** node:dgram, loaded on the first UDP probe (TCP-only callers such as get-port's never need it). */
let udp: typeof dgram | undefined;

/** UDP: bind on `host:port`, then close. `::` is dual-stack (ipv6Only false). */
async function bindUdp(port: number, host: string): Promise<BindResult> {
  const dgram = (udp ??= (await import('node:dgram')).default);
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
  /** Options for every TCP test bind (get-port's pass-through `net.ListenOptions`). */
  testBind?: TestBindOptions;
}

/** Where a probe is: the binds made so far, and the next protocol and address to bind. */
interface ProbeState {
  port: number;
  protocols: readonly Protocol[];
  plan: ProbePlan;
  outcomes: ProbeOutcome[];
  protocol: number;
  address: number;
  bound: number;
}

function bindNext(s: ProbeState): BindResult | Promise<BindResult> {
  const protocol = s.protocols[s.protocol]!;
  const address = s.plan.addresses[s.address]!;
  if (protocol === 'udp') return bindUdp(s.port, address);
  if (s.plan.firstBoundSuffices && address === '::') return bindTcpDualStack(s.port, s.plan.testBind);
  return bindTcp(s.port, address, s.plan.testBind);
}

/** Records one bind; returns the report when the probe is decided, else undefined (bind the next address). */
function record(s: ProbeState, bound: BindResult): ProbeReport | undefined {
  const outcome = classify(s.protocols[s.protocol]!, s.plan.addresses[s.address]!, bound);
  s.outcomes.push(outcome);
  if (outcome.result === 'taken') return { port: s.port, free: false, outcomes: s.outcomes };
  if (outcome.result === 'bound') s.bound++;
  s.address++;
  if (s.address < s.plan.addresses.length && !(outcome.result === 'bound' && s.plan.firstBoundSuffices)) return undefined;
  // This protocol is done: free when some address accepted it.
  if (s.bound === 0) return { port: s.port, free: false, outcomes: s.outcomes };
  s.protocol++;
  s.address = 0;
  s.bound = 0;
  return s.protocol < s.protocols.length ? undefined : { port: s.port, free: true, outcomes: s.outcomes };
}

function run(s: ProbeState): ProbeReport | Promise<ProbeReport> {
  for (;;) {
    const attempt = bindNext(s);
    if (attempt instanceof Promise) return attempt.then((bound) => record(s, bound) ?? run(s));
    const report = record(s, attempt);
    if (report) return report;
  }
}

/**
 * Probes `port` for each protocol along `plan`, stopping at the first address that refuses it. The port is free when
 * at least one bind succeeded per protocol and none was refused. Unexpected errors (EMFILE, ...) also count as "not
 * free" and carry their code, so a broken machine never yields a port that was not really checked. A probe whose
 * binds all completed synchronously (Linux's dual-stack bind, see above) returns its report synchronously.
 */
export function probePort(port: number, protocols: readonly Protocol[], plan: ProbePlan): ProbeReport | Promise<ProbeReport> {
  if (protocols.length === 0 || plan.addresses.length === 0) return { port, free: false, outcomes: [] };
  return run({ port, protocols, plan, outcomes: [], protocol: 0, address: 0, bound: 0 });
}

/** Bind each of {@link ALL_ADDRESSES} in turn (`addresses: 'all'`). */
export const ALL_ADDRESSES_PLAN: ProbePlan = Object.freeze({ addresses: ALL_ADDRESSES, firstBoundSuffices: false });
const LINUX_PLAN: ProbePlan = Object.freeze({ addresses: Object.freeze(['::', '0.0.0.0']), firstBoundSuffices: true });

/** How long the list of interface addresses is reused (a burst of calls lists the interfaces once). */
const INTERFACES_TTL_MS = 1000;
let interfacesPlan: { at: number; plan: ProbePlan } | undefined;

/**
 * {@link ALL_ADDRESSES}, then every address of `interfaces` (`os.networkInterfaces()`, the addresses get-port
 * checks): where a wildcard bind does not conflict with a holder on one specific address, that address is bound too.
 */
export function interfaceAddressesPlan(interfaces: ReturnType<typeof networkInterfaces>): ProbePlan {
  const addresses = new Set<string>(ALL_ADDRESSES);
  for (const entries of Object.values(interfaces)) for (const entry of entries ?? []) addresses.add(entry.address);
  return Object.freeze({ addresses: Object.freeze([...addresses]), firstBoundSuffices: false });
}

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
 * address of {@link ALL_ADDRESSES} and of every interface is bound in turn ({@link interfaceAddressesPlan}).
 */
export function defaultProbePlan(platform: NodeJS.Platform = process.platform, now = Date.now()): ProbePlan {
  if (platform === 'linux') return LINUX_PLAN;
  if (!interfacesPlan || now - interfacesPlan.at >= INTERFACES_TTL_MS) {
    interfacesPlan = { at: now, plan: interfaceAddressesPlan(networkInterfaces()) };
  }
  return interfacesPlan.plan;
}
