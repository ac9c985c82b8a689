/**
 * diagnose() (the facade's doctor()): rules over a usage report that yield a verdict (ok / warn / critical) with reasons and concrete
 * remedies. Each rule has a stable id, documented in docs/doctor.md, and its thresholds live in
 * DOCTOR_THRESHOLDS so the docs and tests quote the same numbers.
 */
import type { TargetOs } from '../platform.js';
import { invalidArgType } from '../errors.js';
import { formatRange, PortSet } from '../range.js';
import { BIND_NO_PORT_REMEDY, KEEP_ALIVE_REMEDY, proposeWiderRange, reserveCommands, widenCommands } from './remedies.js';
import type { DestinationUsage, UsageReport } from './usage.js';

export type Severity = 'info' | 'warn' | 'critical';
export type Verdict = 'ok' | 'warn' | 'critical';

export interface DoctorFinding {
  /** Stable rule id, e.g. `DESTINATION_EXHAUSTION`. */
  rule: string;
  severity: Severity;
  /** One sentence naming what is wrong, with the numbers. */
  reason: string;
  /** What to do, most effective first; commands are exact. */
  remedies: string[];
  /** The destination, listener ports or other subject the finding is about. */
  subject?: Record<string, unknown>;
}

export interface DoctorReport {
  verdict: Verdict;
  findings: DoctorFinding[];
}

export interface DoctorFacts {
  os: TargetOs;
  /** Current reserved/excluded ports, so a reserve command keeps them. */
  reserved?: PortSet;
  /** Linux net.ipv4.tcp_tw_reuse (0 off, 1 on, 2 loopback only), when known. */
  tcpTwReuse?: number;
  /** Lowest port the range may start at (Linux ip_unprivileged_port_start). Default 1024. */
  unprivilegedPortStart?: number;
}

export const DOCTOR_THRESHOLDS = Object.freeze({
  /** Destination pressure (used / capacity) from which connect() is about to fail. */
  destinationCritical: 0.9,
  destinationWarn: 0.6,
  /** Share of the usable range held by distinct local ports (bind(0), listen(0), UDP). */
  rangeCritical: 0.9,
  rangeWarn: 0.7,
  /** TIME_WAIT sockets as a share of the usable range. */
  timeWaitWarn: 0.5,
  /** Bound-but-idle TCP sockets in the range: at least this many and this share of the usable range. */
  boundInactiveMin: 64,
  boundInactiveShare: 0.05,
  /** Reserved ports covering this share of the range. */
  reservedShareWarn: 0.25,
  /** A usable range smaller than this many ports. */
  smallRange: 4096,
});

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

function destinationName(d: DestinationUsage): string {
  const remote = d.remoteAddress.includes(':') ? `[${d.remoteAddress}]` : d.remoteAddress;
  return `${remote}:${d.remotePort} from ${d.localAddress}`;
}

function twReuseRemedy(facts: DoctorFacts, loopbackOnly: boolean): string | undefined {
  if (facts.os !== 'linux') return undefined;
  if (facts.tcpTwReuse === 1 || (facts.tcpTwReuse === 2 && loopbackOnly)) return undefined;
  return 'Let connect() reuse TIME_WAIT ports when timestamps make it safe: `sysctl -w net.ipv4.tcp_tw_reuse=1` (TIME_WAIT itself lasts a fixed 60 s on Linux).';
}

export function diagnose(usage: UsageReport, facts: DoctorFacts): DoctorReport {
  if (typeof usage !== 'object' || usage === null || !Array.isArray(usage.destinations)) {
    throw invalidArgType('usage', 'a usage report (from analyzeUsage)', usage);
  }
  const t = DOCTOR_THRESHOLDS;
  const findings: DoctorFinding[] = [];
  const reserved = facts.reserved ?? PortSet.EMPTY;
  const wider = proposeWiderRange(usage.range, usage.listenersInRange.map((s) => s.localPort), facts.unprivilegedPortStart ?? 1024);
  const widen = wider.low < usage.range.low || wider.high > usage.range.high
    ? [`Widen the range from ${formatRange(usage.range)} to ${formatRange(wider)}: ${widenCommands(facts.os, wider).join(' ; ')}`]
    : [];

  for (const d of usage.destinations) {
    if (d.pressure < t.destinationWarn) break; // sorted by pressure
    const loop = LOOPBACK.test(d.remoteAddress);
    const tw = twReuseRemedy(facts, loop);
    findings.push({
      rule: 'DESTINATION_EXHAUSTION',
      severity: d.pressure >= t.destinationCritical ? 'critical' : 'warn',
      reason: `${d.used} of ${d.capacity} ports to ${destinationName(d)} are taken (${pct(d.pressure)}, ${d.timeWait} in TIME_WAIT); new connections to it fail with EADDRNOTAVAIL when none are left.`,
      remedies: [KEEP_ALIVE_REMEDY, ...widen, ...(d.timeWait * 2 >= d.used && tw ? [tw] : []), 'Spread the load over more destination addresses/ports or more local source addresses: capacity is per (local address, destination).'],
      subject: { localAddress: d.localAddress, remoteAddress: d.remoteAddress, remotePort: d.remotePort, used: d.used, capacity: d.capacity },
    });
  }

  if (usage.rangePressure >= t.rangeWarn) {
    findings.push({
      rule: 'RANGE_PRESSURE',
      severity: usage.rangePressure >= t.rangeCritical ? 'critical' : 'warn',
      reason: `${usage.portsInUse.any} of ${usage.usableSize} usable ports of ${formatRange(usage.range)} are held (${pct(usage.rangePressure)}); bind(0), listen(0) and UDP need a port of their own and fail with EADDRINUSE/EAGAIN when none is free.`,
      remedies: [...widen, KEEP_ALIVE_REMEDY, BIND_NO_PORT_REMEDY],
    });
  }

  if (usage.usableSize > 0 && usage.timeWait.count >= t.timeWaitWarn * usage.usableSize) {
    const tw = twReuseRemedy(facts, false);
    findings.push({
      rule: 'TIME_WAIT_PILE',
      severity: 'warn',
      reason: `${usage.timeWait.count} TCP sockets are in TIME_WAIT (${pct(usage.timeWait.share)} of TCP sockets, ${pct(usage.timeWait.count / usage.usableSize)} of the usable range): something opens and closes a connection per request.`,
      remedies: [KEEP_ALIVE_REMEDY, ...(tw ? [tw] : []), ...widen],
    });
  }

  const boundInRange = usage.boundInactive.filter((s) => s.localPort >= usage.range.low && s.localPort <= usage.range.high).length;
  if (boundInRange >= t.boundInactiveMin && boundInRange >= t.boundInactiveShare * usage.usableSize) {
    findings.push({
      rule: 'BIND_BEFORE_CONNECT',
      severity: 'warn',
      reason: `${boundInRange} TCP sockets hold a port of the range while bound but neither listening nor connected: bind-before-connect reserves a port per socket, not per 4-tuple.`,
      remedies: [BIND_NO_PORT_REMEDY, 'Close sockets that are bound and never used.'],
    });
  }

  if (usage.listenersInRange.length > 0) {
    const ports = [...new Set(usage.listenersInRange.map((s) => s.localPort))].sort((a, b) => a - b);
    const below = usage.range.low - 1;
    findings.push({
      rule: 'LISTENER_IN_RANGE',
      severity: 'warn',
      reason: `${ports.length} listening port(s) lie inside the ephemeral range ${formatRange(usage.range)}: ${ports.slice(0, 20).join(', ')}${ports.length > 20 ? ', …' : ''}. Outgoing connections can take these ports first, and the service then fails with EADDRINUSE on restart.`,
      remedies: [
        `Move the service to a port outside the range (e.g. below ${below}; Linux's default range starts at 32768).`,
        ...reserveCommands(facts.os, reserved, ports).map((c) => `Or reserve the port(s) so automatic assignment skips them: ${c}`),
      ],
      subject: { ports },
    });
  }

  const size = usage.range.high - usage.range.low + 1;
  if (usage.reservedInRange >= t.reservedShareWarn * size) {
    findings.push({
      rule: 'RESERVED_SHRINKS_RANGE',
      severity: 'warn',
      reason: `${usage.reservedInRange} of the ${size} ports of the range are reserved/excluded (${pct(usage.reservedInRange / size)}), leaving ${usage.usableSize} for automatic assignment.`,
      remedies: ['Reserve only the ports services really listen on, or move those services below the range.', ...widen],
    });
  }

  if (usage.usableSize < t.smallRange) {
    findings.push({
      rule: 'SMALL_RANGE',
      severity: 'warn',
      reason: `Only ${usage.usableSize} ports are usable for automatic assignment (Linux default: 28232).`,
      remedies: widen,
    });
  }

  if (usage.fallbackReason !== undefined) {
    findings.push({
      rule: 'CENSUS_FALLBACK',
      severity: 'info',
      reason: `Sockets were listed through ${usage.source} (${usage.fallbackReason}); bound-only TCP sockets may be missing.`,
      remedies: [],
    });
  }

  const verdict: Verdict = findings.some((f) => f.severity === 'critical')
    ? 'critical'
    : findings.some((f) => f.severity === 'warn')
      ? 'warn'
      : 'ok';
  return { verdict, findings };
}

function pct(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%` : '∞';
}
