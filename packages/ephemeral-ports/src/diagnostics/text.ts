/**
 * Plain-text renderings of the diagnostics for the CLI (usage, doctor, watch, map). Colour is optional and
 * passed in, so the same text works in a terminal, a pipe and a test.
 */
import { formatRange, type SocketEntry } from '@ephemeral-ports/core/model';
import { bucketPortMap, type DestinationUsage, type PortMap, type RegionKind } from '@ephemeral-ports/core/diagnostics';
import type { DoctorResult, UsageResult } from './usage.js';

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
}

export const NO_STYLE: Style = { bold: (s) => s, dim: (s) => s, green: (s) => s, yellow: (s) => s, red: (s) => s };

export function percent(x: number): string {
  if (!Number.isFinite(x)) return '∞';
  return `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
}

/** `[#######.............]  35%` — the fill is clamped to the bar, the number is not. */
export function pressureBar(ratio: number, width: number, style: Style = NO_STYLE): string {
  const filled = Math.max(0, Math.min(width, Math.round((Number.isFinite(ratio) ? ratio : 1) * width)));
  const colour = ratio >= 0.9 ? style.red : ratio >= 0.6 ? style.yellow : style.green;
  return `[${colour('#'.repeat(filled))}${'.'.repeat(width - filled)}] ${percent(ratio).padStart(5)}`;
}

function endpoint(address: string, port: number): string {
  return `${address.includes(':') ? `[${address}]` : address}:${port}`;
}

export function destinationLabel(d: DestinationUsage): string {
  return `${endpoint(d.remoteAddress, d.remotePort)} from ${d.localAddress}`;
}

function counts(states: Partial<Record<string, number>>): string {
  const entries = Object.entries(states).filter(([, n]) => (n ?? 0) > 0).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
  return entries.length ? entries.map(([s, n]) => `${s} ${n}`).join(', ') : 'none';
}

function owner(s: SocketEntry): string {
  return s.pid === undefined ? '' : ` (${s.command ?? '?'} pid ${s.pid})`;
}

export function renderUsage(u: UsageResult, style: Style = NO_STYLE, topN = 10): string {
  const tcp = Object.values(u.byState.tcp).reduce((a, b) => a + (b ?? 0), 0);
  const lines: Array<[string, string]> = [
    ['ephemeral range', `${formatRange(u.range)} (${u.usableSize} usable, ${u.reservedInRange} reserved)`],
    ['source', u.fallbackReason ? style.yellow(`${u.source} (fallback: ${u.fallbackReason})`) : u.source],
    ['sockets', `${u.total} (tcp ${tcp}, udp ${u.total - tcp})`],
    ['tcp states', counts(u.byState.tcp)],
    ['udp states', counts(u.byState.udp)],
    ['ports in range', `${u.portsInUse.any} held  ${pressureBar(u.rangePressure, 20, style)}  (tcp ${u.portsInUse.tcp}, udp ${u.portsInUse.udp})`],
    ['TIME_WAIT', `${u.timeWait.count} (${percent(u.timeWait.share)} of TCP sockets)`],
    ['bound, not connected', `${u.boundInactive.length} TCP, ${u.udpUnconnectedInRange} UDP in range`],
    [
      'listeners in range',
      u.listenersInRange.length === 0
        ? 'none'
        : style.yellow(u.listenersInRange.slice(0, 10).map((s) => `${endpoint(s.localAddress, s.localPort)}${owner(s)}`).join(', ') + (u.listenersInRange.length > 10 ? ', …' : '')),
    ],
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  let out = lines.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v}\n`).join('');
  out += `destinations (${u.destinations.length}, by pressure):\n`;
  if (u.destinations.length === 0) out += '  none\n';
  for (const d of u.destinations.slice(0, topN)) {
    out += `  ${pressureBar(d.pressure, 20, style)}  ${String(d.used).padStart(5)}/${d.capacity}  ${destinationLabel(d)}${d.timeWait ? style.dim(`  (${d.timeWait} TIME_WAIT)`) : ''}\n`;
  }
  return out;
}

export function renderDoctor(r: DoctorResult, style: Style = NO_STYLE): string {
  const verdict = r.verdict === 'ok' ? style.green('OK') : r.verdict === 'warn' ? style.yellow('WARN') : style.red('CRITICAL');
  let out = `verdict: ${style.bold(verdict)}  (range ${formatRange(r.usage.range)}, ${r.usage.total} sockets via ${r.usage.source})\n`;
  if (r.findings.length === 0) out += '  no findings: the range has room and nothing collides with it.\n';
  for (const f of r.findings) {
    const tag = f.severity === 'critical' ? style.red('critical') : f.severity === 'warn' ? style.yellow('warn') : style.dim('info');
    out += `\n${tag} [${f.rule}] ${f.reason}\n`;
    for (const remedy of f.remedies) out += `  - ${remedy}\n`;
  }
  return out;
}

/** One character per kind, so the bar reads without colour too. */
export const MAP_GLYPHS: Record<RegionKind, string> = {
  system: 's',
  user: '.',
  ephemeral: 'e',
  reserved: 'R',
  'in-use': 'u',
  listening: 'L',
};

const MAP_COLOURS: Record<RegionKind, number> = { system: 100, user: 47, ephemeral: 44, reserved: 43, 'in-use': 46, listening: 41 };

export function renderMapBar(map: PortMap, width: number, colour: boolean): string {
  const cells = bucketPortMap(map, width);
  const bar = cells.map((k) => (colour ? `\u001b[${MAP_COLOURS[k]}m${MAP_GLYPHS[k]}\u001b[0m` : MAP_GLYPHS[k])).join('');
  const axis = new Array<string>(width).fill(' ');
  const ticks = [0, 1024, 32768, 65535];
  const label: string[] = new Array<string>(width).fill(' ');
  let free = 0; // first column a label may use: labels that would touch the previous one are left out
  for (const t of ticks) {
    const at = Math.min(width - 1, Math.floor((t / 65536) * width));
    axis[at] = '|';
    const text = String(t);
    const start = Math.max(0, Math.min(width - text.length, at - (t === 65535 ? text.length - 1 : 0)));
    if (start < free) continue;
    for (let i = 0; i < text.length; i++) label[start + i] = text[i]!;
    free = start + text.length + 1;
  }
  const legend = (Object.keys(MAP_GLYPHS) as RegionKind[])
    .map((k) => `${colour ? `\u001b[${MAP_COLOURS[k]}m${MAP_GLYPHS[k]}\u001b[0m` : MAP_GLYPHS[k]} ${k} (${map.totals[k]})`)
    .join('  ');
  return `${bar}\n${axis.join('')}\n${label.join('')}\n${legend}\n`;
}
