/**
 * `report --html`: one self-contained HTML page (inline CSS and SVG, no script, no network) with the port map, the
 * socket census per state and per destination, and the doctor's findings. Pure: data in, text out.
 */
import { type DoctorReport, type PortMap, type UsageReport, escapeXml, renderPortMapSvg } from '@ephemeral-ports/core';
import { renderBarChart } from './bar-chart.js';

export interface HtmlReportInput {
  map: PortMap;
  usage: UsageReport;
  doctor: DoctorReport;
  host: string;
  /** The namespace reported on, or undefined for the caller's. */
  netns?: string;
  time: Date;
  os: string;
  unprivilegedStart?: number;
}

const SEVERITY_COLOURS = { info: '#0072b2', warn: '#e69f00', critical: '#d55e00' } as const;
const VERDICT_COLOURS = { ok: '#009e73', warn: '#e69f00', critical: '#d55e00' } as const;

const CSS = `
body{font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;margin:24px;color:#222;max-width:1240px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
.meta{color:#555;margin:0 0 16px}.verdict{display:inline-block;padding:2px 10px;border-radius:10px;color:#fff;font-weight:bold}
.finding{border-left:6px solid;padding:6px 12px;margin:8px 0;background:#fafafa}.finding h3{font-size:14px;margin:0 0 4px}
.finding code{background:#eee;padding:1px 4px}ul{margin:4px 0 4px 20px;padding:0}
figure{margin:0}.map{overflow-x:auto}
`;

export function renderHtmlReport(input: HtmlReportInput): string {
  const { usage, doctor } = input;
  const time = input.time.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const where = input.netns ? `netns ${input.netns}` : "the caller's network namespace";
  const title = `Ports of ${input.host}`;
  const svg = renderPortMapSvg(input.map, {
    host: input.host,
    time: input.time,
    ...(input.netns ? { netns: input.netns } : {}),
    ...(input.unprivilegedStart !== undefined ? { unprivilegedStart: input.unprivilegedStart } : {}),
    reservedKind: input.os === 'win32' ? 'excluded' : 'reserved',
  }).replace(/^<\?xml[^>]*>\n/, '');

  const stateRows = (['tcp', 'udp'] as const).flatMap((protocol) =>
    Object.entries(usage.byState[protocol])
      .filter(([, n]) => (n ?? 0) > 0)
      .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
      .map(([state, n]) => ({ label: `${protocol.toUpperCase()} ${state}`, value: n ?? 0 })),
  );
  const destinationRows = usage.destinations.slice(0, 15).map((d) => ({
    label: `${d.localAddress} → ${d.remoteAddress}:${d.remotePort}`,
    value: d.used,
    max: Math.max(1, d.capacity),
    note: `${d.used} / ${d.capacity} (${(d.pressure * 100).toFixed(1)}%)`,
  }));
  const findings = doctor.findings.length
    ? doctor.findings
        .map(
          (f) =>
            `<section class="finding" data-severity="${f.severity}" style="border-color:${SEVERITY_COLOURS[f.severity]}">` +
            `<h3>${escapeXml(f.severity.toUpperCase())} · ${escapeXml(f.rule)}</h3><p>${escapeXml(f.reason)}</p>` +
            (f.remedies.length ? `<ul>${f.remedies.map((r) => `<li><code>${escapeXml(r)}</code></li>`).join('')}</ul>` : '') +
            `</section>`,
        )
        .join('\n')
    : '<p>No findings.</p>';

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeXml(title)} · ${escapeXml(time)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
<p class="meta">${escapeXml(`${input.os}, ${where}, ${time}`)} · ephemeral range ${usage.range.low}-${usage.range.high} ·
${usage.total} sockets · verdict <span class="verdict" style="background:${VERDICT_COLOURS[doctor.verdict]}">${escapeXml(doctor.verdict)}</span></p>
<h2>Port map</h2>
<figure class="map">
${svg}</figure>
<h2>Sockets per state</h2>
${renderBarChart('chart-states', 'Sockets per protocol and state', stateRows, '#0072b2')}
<h2>Ports used per destination (of what connect() can pick)</h2>
${renderBarChart('chart-destinations', 'Ports used per destination versus capacity', destinationRows, '#d55e00')}
<h2>Doctor findings</h2>
${findings}
</body>
</html>
`;
}
