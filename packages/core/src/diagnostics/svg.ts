/**
 * SVG rendering of a port map: one `<rect>` per region (with `data-kind`, `data-low`, `data-high` so tools and
 * tests can read it back), an axis with tick labels and a legend. Plain XML, no external resources.
 */
import { MAX_PORT } from '../range.js';
import { REGION_KINDS, type PortMap, type RegionKind } from './port-map.js';

export const REGION_COLORS: Record<RegionKind, string> = {
  system: '#9e9e9e',
  user: '#e0e0e0',
  ephemeral: '#64b5f6',
  reserved: '#ffb74d',
  'in-use': '#1565c0',
  listening: '#d32f2f',
};

const LABELS: Record<RegionKind, string> = {
  system: 'system ports',
  user: 'user ports',
  ephemeral: 'ephemeral range',
  reserved: 'reserved / excluded',
  'in-use': 'in use',
  listening: 'listening',
};

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function renderPortMapSvg(map: PortMap, options: { width?: number; title?: string } = {}): string {
  const width = options.width ?? 1200;
  const margin = 20;
  const barY = 40;
  const barH = 40;
  const scale = (width - 2 * margin) / (MAX_PORT + 1);
  const out: string[] = [];
  const height = barY + barH + 90;
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<title>${escapeXml(options.title ?? 'Port map 0-65535')}</title>`);
  out.push(`<text x="${margin}" y="24" font-size="14">${escapeXml(options.title ?? 'Port map 0–65535')}</text>`);
  out.push(`<g class="regions">`);
  for (const r of map.regions) {
    const x = margin + r.low * scale;
    // At least half a pixel wide, so single listening ports stay visible.
    const w = Math.max(0.5, (r.high - r.low + 1) * scale);
    out.push(
      `<rect class="region" data-kind="${r.kind}" data-low="${r.low}" data-high="${r.high}" x="${x.toFixed(2)}" y="${barY}" width="${w.toFixed(2)}" height="${barH}" fill="${REGION_COLORS[r.kind]}"><title>${escapeXml(`${LABELS[r.kind]}: ${r.low === r.high ? r.low : `${r.low}-${r.high}`}`)}</title></rect>`,
    );
  }
  out.push(`</g>`);
  out.push(`<g class="axis">`);
  for (const tick of [0, 1024, 16384, 32768, 49152, 65535]) {
    const x = margin + tick * scale;
    out.push(`<line x1="${x.toFixed(2)}" y1="${barY + barH}" x2="${x.toFixed(2)}" y2="${barY + barH + 5}" stroke="#000"/>`);
    out.push(`<text x="${x.toFixed(2)}" y="${barY + barH + 18}" text-anchor="middle">${tick}</text>`);
  }
  out.push(`</g>`);
  out.push(`<g class="legend">`);
  REGION_KINDS.forEach((kind, i) => {
    const x = margin + i * 185;
    const y = barY + barH + 40;
    out.push(`<rect class="legend-swatch" x="${x}" y="${y}" width="12" height="12" fill="${REGION_COLORS[kind]}"/>`);
    out.push(`<text x="${x + 16}" y="${y + 11}">${escapeXml(`${LABELS[kind]} (${map.totals[kind]})`)}</text>`);
  });
  out.push(`</g>`);
  out.push(`</svg>`);
  return `${out.join('\n')}\n`;
}
