/**
 * Horizontal bar charts as inline SVG for the HTML report: one row per item, the bar's length proportional to its
 * value (or to value/max when each row has its own capacity). Labels sit in a fixed left column and values at the
 * bar's end, so they never overlap the bars or each other.
 */
import { escapeXml } from '@ephemeral-ports/core';

export interface BarRow {
  label: string;
  value: number;
  /** The row's own maximum (a destination's capacity); default: the largest value of the chart. */
  max?: number;
  /** Text after the bar; default the value. */
  note?: string;
}

export function renderBarChart(id: string, title: string, rows: readonly BarRow[], colour: string): string {
  const width = 720;
  const labelW = 260;
  const noteW = 150;
  const rowH = 22;
  const barMax = width - labelW - noteW - 16;
  const largest = Math.max(1, ...rows.map((r) => r.value));
  const height = Math.max(1, rows.length) * rowH + 8;
  const body = rows.map((r, i) => {
    const y = 4 + i * rowH;
    const share = Math.min(1, r.value / (r.max ?? largest));
    // A non-zero value always shows at least a sliver.
    const w = r.value > 0 ? Math.max(2, share * barMax) : 0;
    const label = r.label.length > 36 ? `${r.label.slice(0, 35)}…` : r.label;
    return (
      `<g class="bar-row"><text x="${labelW - 8}" y="${y + 15}" text-anchor="end">${escapeXml(label)}<title>${escapeXml(r.label)}</title></text>` +
      `<rect class="bar-track" x="${labelW}" y="${y + 3}" width="${barMax}" height="${rowH - 6}" fill="#f2f2f2"/>` +
      `<rect class="bar" x="${labelW}" y="${y + 3}" width="${w.toFixed(2)}" height="${rowH - 6}" fill="${colour}"/>` +
      `<text class="bar-note" x="${labelW + barMax + 8}" y="${y + 15}">${escapeXml(r.note ?? String(r.value))}</text></g>`
    );
  });
  const empty = rows.length === 0 ? `<text x="8" y="18">none</text>` : '';
  return (
    `<svg class="chart" id="${id}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `role="img" aria-label="${escapeXml(title)}" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="12">` +
    `<title>${escapeXml(title)}</title>${body.join('')}${empty}</svg>`
  );
}
