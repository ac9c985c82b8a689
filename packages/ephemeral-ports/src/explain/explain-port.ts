/**
 * {@link explainPort}: why binding a port would fail or is risky, each finding with its evidence. Sources: the live
 * range, reserved/excluded ports and the unprivileged-port start from the backend, a real bind probe, and the
 * socket census when the backend has one (it names the sockets — and, when permitted, the processes — involved).
 */
import {
  type EphemeralPortsBackend,
  type PortRange,
  type Protocol,
  type ScopeOptions,
  type SocketEntry,
  assertPort,
  checkBoolean,
  checkNetnsPath,
  ianaClass,
  invalidArgType,
  invalidArgValue,
  rangeContains,
} from '@ephemeral-ports/core';
import { getBackend } from '../backend.js';
import { checkOptions, checkProtocol, scopeOf } from '../options.js';
import { type ProbeResult, probeBind } from './bind-probe.js';
import { probeBindInNetns } from './netns-probe.js';

export interface ExplainOptions {
  /** `tcp` (default) or `udp`. */
  protocol?: Protocol;
  /** Address(es) the service would bind. Default: both wildcards, `0.0.0.0` and `::`. */
  host?: string | readonly string[];
  /** Skip the bind probe (e.g. when explaining ports for another machine's settings). Default false. */
  probe?: boolean;
  /**
   * Linux: explain the port inside this network namespace (`/proc/<pid>/ns/net`, `/run/netns/<name>`): its range,
   * reserved ports and sockets, and a bind probe run inside it (through `nsenter`, which needs root; without it
   * the probe is reported as skipped, finding `BIND_PROBE_SKIPPED`). Other OSes refuse it.
   */
  netns?: string;
}

export type FindingSeverity = 'error' | 'warning' | 'info';

export interface PortFinding {
  /** Stable code: PORT_IN_USE, PORT_LISTENING, PORT_IN_EPHEMERAL_RANGE, PORT_RESERVED, PORT_EXCLUDED, ... */
  code: string;
  /** error: binding fails now; warning: it may fail (or break) later; info: context. */
  severity: FindingSeverity;
  message: string;
  evidence: Record<string, unknown>;
}

/** What {@link explainPort} returns; also an element of `ephemeral-ports explain --json`. */
export interface PortExplanation {
  port: number;
  protocol: Protocol;
  hosts: string[];
  /** `blocked`: a bind fails now; `risky`: it works but may fail later; `ok`: nothing found. */
  verdict: 'ok' | 'risky' | 'blocked';
  findings: PortFinding[];
  /** The ephemeral range used for the analysis and how it was read. */
  range: PortRange;
  rangeSource: string;
  /** IANA class: system (0-1023), user (1024-49151), dynamic (49152-65535). */
  ianaClass: 'system' | 'user' | 'dynamic';
  /** Linux: the network namespace explained, when `netns` was given. */
  netns?: string;
  /** Bind probe results per address (empty when `probe: false`). */
  probes: ProbeResult[];
}

const DEFAULT_HOSTS = ['0.0.0.0', '::'];
/** Errors of a probe that say "this address is not usable here" rather than something about the port. */
const ADDRESS_UNAVAILABLE = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EPROTONOSUPPORT']);

/**
 * Explains whether a service can bind `port`, and what could take it away later.
 *
 * @throws `ERR_INVALID_ARG_TYPE` / `ERR_INVALID_ARG_VALUE` / `ERR_OUT_OF_RANGE` for a bad port, options, protocol or host; the range read's OS errors.
 * @example
 * ```ts
 * import { explainPort } from 'ephemeral-ports';
 * const e = await explainPort(40000, { protocol: 'tcp' });
 * if (e.verdict !== 'ok') for (const f of e.findings) console.log(f.code, f.message);
 * ```
 */
export async function explainPort(port: number, given?: ExplainOptions): Promise<PortExplanation> {
  assertPort(port);
  const options = checkOptions(given);
  const protocol = checkProtocol(options.protocol);
  if (options.probe !== undefined) checkBoolean('options.probe', options.probe);
  const hosts = await checkHosts(options.host);
  const netns = checkNetnsPath(options.netns);
  const backend = getBackend();
  const scope = scopeOf(protocol, netns);
  const findings: PortFinding[] = [];

  const reading = await backend.getRange(scope);
  const constraints = await backend.getConstraints(scope).catch(() => ({}) as { unprivilegedPortStart?: number });
  const list = await readList(backend, scope);

  if (port === 0) {
    findings.push(info('PORT_ZERO', 'port 0 asks the kernel to pick a free port from the ephemeral range', {}));
  }
  const inRange = rangeContains(reading.range, port);
  const listed = list?.ports.has(port) ?? false;
  if (list && listed && list.kind === 'excluded') {
    // The backend knows its OS's reservations: who made this one and what a human can do about it.
    const why = backend.explainReserved?.(port, list);
    findings.push({
      code: 'PORT_EXCLUDED',
      severity: 'error',
      message:
        why?.summary ??
        `${port} is in a Windows excluded port range (Hyper-V, WinNAT, Docker, WSL reserve these); bind() fails with EACCES`,
      evidence: {
        excluded: list.ports.intersect({ low: port, high: port }).toJSON(),
        source: list.source,
        ...(why ? { range: why.range, madeBy: why.madeBy, remedies: why.remedies } : {}),
      },
    });
  } else if (listed) {
    findings.push(
      info(
        'PORT_RESERVED',
        `${port} is in ip_local_reserved_ports: the kernel never hands it out automatically, so a service can rely on it`,
        { source: list!.source },
      ),
    );
  }
  if (inRange && port !== 0 && !listed) {
    findings.push({
      code: 'PORT_IN_EPHEMERAL_RANGE',
      severity: 'warning',
      message:
        `${port} is inside the ephemeral range ${reading.range.low}-${reading.range.high}: the kernel may give it to an ` +
        `outgoing connection at any time, and then the service fails to start with EADDRINUSE`,
      evidence: { range: reading.range, source: reading.source },
    });
  }
  privileged(port, constraints.unprivilegedPortStart, backend.os, findings);

  const probes = options.probe === false ? [] : await runProbes(netns, protocol, port, hosts, findings);
  // This host's interfaces are the caller's namespace's: they say nothing about another one.
  if (options.host !== undefined && netns === undefined) await notLocalFindings(hosts, probes, port, findings);
  for (const p of probes) {
    if (p.ok || (p.code && ADDRESS_UNAVAILABLE.has(p.code))) continue;
    findings.push({
      code: p.code === 'EADDRINUSE' ? 'PORT_IN_USE' : p.code === 'EACCES' ? 'BIND_DENIED' : 'BIND_FAILED',
      severity: 'error',
      message: `binding ${protocol} ${formatHost(p.address)}:${port} fails now with ${p.code}`,
      evidence: { address: p.address, code: p.code, message: p.message },
    });
  }
  await censusFindings(backend, protocol, port, findings, netns);

  const verdict = findings.some((f) => f.severity === 'error')
    ? 'blocked'
    : findings.some((f) => f.severity === 'warning')
      ? 'risky'
      : 'ok';
  return {
    port,
    protocol,
    hosts,
    verdict,
    findings,
    range: reading.range,
    rangeSource: reading.source,
    ianaClass: ianaClass(port),
    probes,
    ...(netns === undefined ? {} : { netns }),
  };
}

/** The bind probe here, or inside `netns` (netns-probe.ts); a probe that cannot enter the namespace is a finding. */
async function runProbes(
  netns: string | undefined,
  protocol: Protocol,
  port: number,
  hosts: readonly string[],
  findings: PortFinding[],
): Promise<ProbeResult[]> {
  if (netns === undefined) return Promise.all(hosts.map((h) => probeBind(protocol, port, h)));
  const result = await probeBindInNetns(netns, protocol, port, hosts);
  if ('probes' in result) return result.probes;
  findings.push(
    info('BIND_PROBE_SKIPPED', `no bind probe inside ${netns} (${result.skipped}): the verdict rests on the settings and the socket census`, {
      netns,
      reason: result.skipped,
    }),
  );
  return [];
}

async function checkHosts(host: ExplainOptions['host']): Promise<string[]> {
  if (host === undefined) return [...DEFAULT_HOSTS];
  if (typeof host !== 'string' && !Array.isArray(host)) {
    throw invalidArgType('options.host', 'a string or an array of strings', host);
  }
  const { isIP } = await import('node:net');
  const list: unknown[] = typeof host === 'string' ? [host] : [...host];
  if (list.length === 0 || list.some((h) => typeof h !== 'string' || isIP(h) === 0)) {
    throw invalidArgValue('options.host', host, 'must be an IPv4 or IPv6 address (or a non-empty list of them)');
  }
  return list as string[];
}

const WILDCARDS = new Set(['0.0.0.0', '::']);

/**
 * An address no interface of this host has: a service cannot receive on it. The bind probe says EADDRNOTAVAIL, or
 * succeeds where non-local binds are allowed (net.ipv4.ip_nonlocal_bind, IP_FREEBIND), so the interfaces decide.
 */
async function notLocalFindings(hosts: readonly string[], probes: readonly ProbeResult[], port: number, findings: PortFinding[]) {
  const { networkInterfaces } = await import('node:os');
  const own = new Set(
    Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .map((i) => i.address.replace(/%.*$/, '').toLowerCase()),
  );
  for (const host of hosts) {
    const address = host.replace(/%.*$/, '').toLowerCase();
    if (WILDCARDS.has(address) || own.has(address) || /^127\./.test(address) || address === '::1') continue;
    const probe = probes.find((p) => p.address === host);
    const bound = probe?.ok === true;
    findings.push({
      code: 'ADDRESS_NOT_LOCAL',
      severity: bound ? 'warning' : 'error',
      message: bound
        ? `${host} is not an address of this host: binding ${formatHost(host)}:${port} succeeds (non-local binds are allowed here) but no packet for it arrives`
        : `${host} is not an address of this host: binding ${formatHost(host)}:${port} fails with EADDRNOTAVAIL`,
      evidence: { address: host, ...(probe ? { probe: probe.ok ? 'ok' : probe.code } : {}) },
    });
  }
}

async function readList(backend: EphemeralPortsBackend, scope: ScopeOptions) {
  if (!backend.info().supportsReserved) return null;
  try {
    return await backend.getReserved(scope);
  } catch {
    return null;
  }
}

function privileged(port: number, start: number | undefined, os: string, findings: PortFinding[]): void {
  if (os === 'win32' || port === 0) return;
  const limit = start ?? 1024;
  if (port >= limit) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  findings.push({
    code: 'PORT_PRIVILEGED',
    severity: root ? 'info' : 'error',
    message: root
      ? `${port} is below the unprivileged port start (${limit}); this process is root so it may bind it, others need CAP_NET_BIND_SERVICE`
      : `${port} is below the unprivileged port start (${limit}); binding needs root or CAP_NET_BIND_SERVICE (EACCES otherwise)`,
    evidence: { unprivilegedPortStart: limit, ...(typeof process.getuid === 'function' ? { uid: process.getuid() } : {}) },
  });
}

async function censusFindings(
  backend: EphemeralPortsBackend,
  protocol: Protocol,
  port: number,
  findings: PortFinding[],
  netns: string | undefined,
): Promise<void> {
  if (typeof backend.census !== 'function' || !backend.info().supportsCensus || port === 0) return;
  let sockets: SocketEntry[];
  let source: string;
  try {
    const census = await backend.census({ protocols: [protocol], processes: true, ...(netns === undefined ? {} : { netns }) });
    sockets = census.sockets.filter((s) => s.localPort === port && s.protocol === protocol);
    source = census.source;
  } catch {
    return; // the bind probe already answered "is it free"; the census only adds names
  }
  if (sockets.length === 0) return;
  const listening = sockets.filter((s) => s.state === 'LISTEN' || (s.state === 'UNCONN' && s.remotePort === 0));
  const others = sockets.filter((s) => !listening.includes(s));
  const show = (list: SocketEntry[]) =>
    list.slice(0, 10).map((s) => ({
      state: s.state,
      local: `${formatHost(s.localAddress)}:${s.localPort}`,
      remote: `${formatHost(s.remoteAddress)}:${s.remotePort}`,
      ...(s.pid === undefined ? {} : { pid: s.pid }),
      ...(s.command === undefined ? {} : { command: s.command }),
    }));
  if (listening.length > 0) {
    const who = listening.find((s) => s.command)?.command;
    findings.push({
      code: 'PORT_LISTENING',
      severity: 'error',
      message: `a ${protocol} socket already listens on ${port}${who ? ` (${who})` : ''}`,
      evidence: { sockets: show(listening), source },
    });
  }
  if (others.length > 0) {
    findings.push({
      code: 'PORT_USED_BY_CONNECTIONS',
      severity: 'warning',
      message: `${others.length} ${protocol} connection(s) use ${port} as their local port (states: ${[...new Set(others.map((s) => s.state))].join(', ')})`,
      evidence: { sockets: show(others), count: others.length, source },
    });
  }
}

function info(code: string, message: string, evidence: Record<string, unknown>): PortFinding {
  return { code, severity: 'info', message, evidence };
}

function formatHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
