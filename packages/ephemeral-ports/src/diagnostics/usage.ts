/**
 * usage() and doctor(): "how close am I to running out of ports, why, and what do I do".
 */
import { aggregateSockets, type CensusAggregate, PortSet, type ProcessUsage, type SocketCensus } from '@ephemeral-ports/core/model';
import { analyzeUsage, buildPortMap, diagnose, formatPrometheus, type DoctorReport, type PortMap, type UsageReport } from '@ephemeral-ports/core/diagnostics';
import { type DiagnosticsOptions, type DiagnosticsSnapshot, takeSnapshot } from './snapshot.js';

export type { ProcessUsage };

export interface UsageResult extends UsageReport {
  /** Reserved/excluded ports the usage was judged against. */
  reserved: PortSet;
  /**
   * With `processes: true`: sockets per owning process, most first. Sockets whose owner is unknown (TIME_WAIT, or
   * another user's process without the privilege to see it) are in no entry.
   */
  processes?: ProcessUsage[];
}

export interface DoctorResult extends DoctorReport {
  usage: UsageResult;
}

/**
 * Sockets per owning process: counted by the backend where it can (the Linux addon counts in C++ and hands them
 * over as `aggregate.processes`), else from the socket list's pid/command.
 */
export function processUsageOf(census: SocketCensus): ProcessUsage[] {
  const counted = census.aggregate?.processes;
  if (counted !== undefined) return counted;
  const byPid = new Map<number, ProcessUsage>();
  for (const s of census.sockets) {
    if (s.pid === undefined) continue;
    let p = byPid.get(s.pid);
    if (!p) byPid.set(s.pid, (p = { pid: s.pid, command: s.command ?? '', tcp: 0, udp: 0, listening: 0, established: 0 }));
    if (s.protocol === 'udp') {
      p.udp++;
      continue;
    }
    p.tcp++;
    if (s.state === 'LISTEN') p.listening++;
    else if (s.state === 'ESTABLISHED') p.established++;
  }
  return [...byPid.values()].sort((a, b) => b.tcp + b.udp - (a.tcp + a.udp) || a.pid - b.pid);
}

/** The usage report of a snapshot; `processes` adds the per-process counts (the snapshot must have owners). */
export function usageOf(snapshot: DiagnosticsSnapshot, options: { processes?: boolean } = {}): UsageResult {
  const report: UsageResult = { ...analyzeUsage({ census: snapshot.census, range: snapshot.range, reserved: snapshot.reserved }), reserved: snapshot.reserved };
  if (options.processes) report.processes = processUsageOf(snapshot.census);
  return report;
}

export function doctorOf(snapshot: DiagnosticsSnapshot): DoctorResult {
  const usage = usageOf(snapshot);
  return { ...diagnose(usage, snapshot.facts), usage };
}

/**
 * Ports held by a socket other than a listener. A function of its own: V8 optimizes this hot loop in the background,
 * and a process exits only once that compile ends; a small function compiles quickly (core's usage.ts says more).
 */
function portsInUse(localPorts: CensusAggregate['localPorts'], listeners: ReadonlyMap<number, number>): number[] {
  const { tcp, udp } = localPorts;
  const listening = new Uint32Array(tcp.length);
  for (const [port, n] of listeners) listening[port] = n;
  const inUse: number[] = [];
  for (let port = 1; port < tcp.length; port++) if (tcp[port]! + udp[port]! > listening[port]!) inUse.push(port);
  return inUse;
}

/** The 0–65535 map: system ports, the range, reserved/excluded, listening and in-use ports. */
export function portMapOf(snapshot: DiagnosticsSnapshot): PortMap {
  const { localPorts, bound } = snapshot.census.aggregate ?? aggregateSockets(snapshot.census.sockets);
  // Every socket but a listener holds its port "in use": count the listeners per port, then compare.
  const listeners = new Map<number, number>();
  for (const s of bound) if (s.state === 'LISTEN') listeners.set(s.localPort, (listeners.get(s.localPort) ?? 0) + 1);
  const inUse = portsInUse(localPorts, listeners);
  const listening = [...listeners.keys()];
  return buildPortMap({
    range: snapshot.range,
    reserved: snapshot.reserved,
    listening: PortSet.fromPorts(listening),
    inUse: PortSet.fromPorts(inUse),
    systemBelow: 1024,
  });
}

/**
 * Port usage: sockets per state and protocol, ports in use inside the ephemeral range, per-destination use
 * versus capacity, TIME_WAIT share, bound-only sockets and listeners inside the range; with `processes: true`,
 * also the sockets per owning process (`processes`).
 *
 * @example
 * ```ts
 * import { usage } from 'ephemeral-ports';
 * const u = await usage();
 * for (const d of u.destinations.slice(0, 3)) console.log(d.remoteAddress, d.remotePort, d.used, '/', d.capacity);
 * ```
 */
export async function usage(options?: DiagnosticsOptions): Promise<UsageResult> {
  return usageOf(await takeSnapshot(options), { processes: options?.processes === true });
}

/**
 * A verdict (`ok` / `warn` / `critical`) with reasons and concrete remedies (rules: docs/doctor.md). Without `netns`
 * it also checks that the boot configuration this tool writes wins at boot (`PERSIST_OVERRIDDEN` names the later
 * file and line), and its remedies persist to the file that wins.
 *
 * @example
 * ```ts
 * import { doctor } from 'ephemeral-ports';
 * const { verdict, findings } = await doctor();
 * if (verdict !== 'ok') for (const f of findings) console.log(f.rule, f.reason, f.remedies[0]);
 * ```
 */
export async function doctor(options?: DiagnosticsOptions): Promise<DoctorResult> {
  const { withPersistence } = await import('./persistence-findings.js');
  return withPersistence(doctorOf(await takeSnapshot(options)), options?.netns !== undefined);
}

/** The port map of this host (or namespace). */
export async function portMap(options?: DiagnosticsOptions): Promise<PortMap> {
  return portMapOf(await takeSnapshot(options));
}

/** Prometheus text exposition of usage and verdict (for `/metrics` or node_exporter's textfile collector). */
export async function prometheusMetrics(options?: DiagnosticsOptions): Promise<string> {
  const result = doctorOf(await takeSnapshot(options));
  return formatPrometheus(result.usage, result);
}
