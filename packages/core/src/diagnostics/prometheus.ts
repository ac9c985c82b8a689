/**
 * Prometheus text exposition (format 0.0.4) of a usage report and doctor verdict: range bounds, sockets by
 * state, range and per-destination pressure, verdict. Destinations are capped (heaviest first) so a busy host
 * cannot explode label cardinality.
 */
import type { DoctorReport, Verdict } from './doctor.js';
import type { UsageReport } from './usage.js';

export const METRIC_PREFIX = 'ephemeral_ports_';
export const DEFAULT_MAX_DESTINATIONS = 20;
const VERDICT_VALUE: Record<Verdict, number> = { ok: 0, warn: 1, critical: 2 };

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(l: Record<string, string | number>): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escapeLabelValue(String(v))}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function num(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

class Exposition {
  private readonly lines: string[] = [];
  family(name: string, help: string, samples: Array<[Record<string, string | number>, number]>): void {
    this.lines.push(`# HELP ${METRIC_PREFIX}${name} ${help}`, `# TYPE ${METRIC_PREFIX}${name} gauge`);
    for (const [l, v] of samples) this.lines.push(`${METRIC_PREFIX}${name}${labels(l)} ${num(v)}`);
  }
  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

export interface MetricsOptions {
  maxDestinations?: number;
}

export function formatPrometheus(usage: UsageReport, report: DoctorReport, options: MetricsOptions = {}): string {
  const max = options.maxDestinations ?? DEFAULT_MAX_DESTINATIONS;
  const e = new Exposition();
  e.family('range_low', 'Lowest port of the ephemeral range.', [[{}, usage.range.low]]);
  e.family('range_high', 'Highest port of the ephemeral range.', [[{}, usage.range.high]]);
  e.family('range_usable_ports', 'Ports of the range automatic assignment may use (range minus reserved).', [[{}, usage.usableSize]]);
  e.family('reserved_in_range_ports', 'Reserved/excluded ports inside the range.', [[{}, usage.reservedInRange]]);
  const states: Array<[Record<string, string>, number]> = [];
  for (const protocol of ['tcp', 'udp'] as const) {
    for (const [state, count] of Object.entries(usage.byState[protocol]).sort()) states.push([{ protocol, state }, count ?? 0]);
  }
  e.family('sockets', 'Sockets by protocol and state.', states);
  e.family('ports_in_use', 'Distinct local ports inside the range held by sockets.', [
    [{ protocol: 'tcp' }, usage.portsInUse.tcp],
    [{ protocol: 'udp' }, usage.portsInUse.udp],
    [{ protocol: 'any' }, usage.portsInUse.any],
  ]);
  e.family('range_pressure_ratio', 'Distinct ports in use divided by usable ports.', [[{}, usage.rangePressure]]);
  e.family('time_wait_sockets', 'TCP sockets in TIME_WAIT.', [[{}, usage.timeWait.count]]);
  e.family('listeners_in_range', 'TCP listeners whose port lies inside the ephemeral range.', [[{}, usage.listenersInRange.length]]);
  e.family('bound_inactive_sockets', 'TCP sockets bound but neither listening nor connected.', [[{}, usage.boundInactive.length]]);
  const top = usage.destinations.slice(0, max);
  const dl = (d: (typeof top)[number]) => ({ local_address: d.localAddress, remote_address: d.remoteAddress, remote_port: d.remotePort });
  e.family('destination_used_ports', `Ports used per destination (top ${max} by pressure).`, top.map((d) => [dl(d), d.used]));
  e.family('destination_capacity_ports', 'Ports connect() can choose per destination.', top.map((d) => [dl(d), d.capacity]));
  e.family('destination_pressure_ratio', 'Used divided by capacity per destination.', top.map((d) => [dl(d), d.pressure]));
  e.family('destinations', 'Destinations with at least one connection from an ephemeral port.', [[{}, usage.destinations.length]]);
  e.family('doctor_verdict', 'Doctor verdict: 0 ok, 1 warn, 2 critical.', [[{}, VERDICT_VALUE[report.verdict]]]);
  const rules = new Map<string, { severity: string; n: number }>();
  for (const f of report.findings) {
    const key = `${f.rule}\u0000${f.severity}`;
    const r = rules.get(key) ?? { severity: f.severity, n: 0 };
    r.n++;
    rules.set(key, r);
  }
  e.family('doctor_findings', 'Doctor findings by rule and severity.', [...rules].map(([k, r]) => [{ rule: k.split('\u0000')[0]!, severity: r.severity }, r.n]));
  e.family('census_info', 'How sockets were listed (1 = this source).', [[{ source: usage.source, fallback: usage.fallbackReason === undefined ? 'false' : 'true' }, 1]]);
  return e.text();
}
