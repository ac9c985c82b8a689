/**
 * SVG picture of a port map, readable at any width:
 * - a bar of bands: system / user ports underneath, the ephemeral range and each reserved (or excluded) range drawn
 *   whole on top, the unprivileged-port start as a dashed line;
 * - two lanes of marks below it, listening ports and ports in use, each mark at least {@link MIN_MARK_WIDTH} px
 *   wide so a single port stays visible on a 65536-port axis;
 * - port-number labels placed in rows so that no two overlap (labels that fit nowhere are left out, never drawn
 *   on top of another; every mark still names its ports in its `<title>` tooltip);
 * - a legend drawn from the same colour table as the picture.
 * Every drawn element carries `data-kind` (and bands/marks `data-low`/`data-high`) so tools and tests can read the
 * picture back. Plain XML, no external resources: it can be inlined in an HTML page as is.
 */
import { MAX_PORT, type PortRange } from '../range.js';
import type { PortMap, RegionKind } from './port-map.js';

/** What the picture draws: the region kinds plus the excluded band (Windows) and the unprivileged-start line. */
export type MapDrawKind = RegionKind | 'excluded' | 'unprivileged-start';

/** One colour per kind, for bands, marks and legend alike (Okabe–Ito palette: distinguishable with colour blindness). */
export const REGION_COLORS: Readonly<Record<MapDrawKind, string>> = {
  system: '#999999',
  user: '#eeeeee',
  ephemeral: '#56b4e9',
  reserved: '#e69f00',
  excluded: '#cc79a7',
  'in-use': '#0072b2',
  listening: '#d55e00',
  'unprivileged-start': '#000000',
};

const LABELS: Readonly<Record<MapDrawKind, string>> = {
  system: 'system ports',
  user: 'user ports',
  ephemeral: 'ephemeral range',
  reserved: 'reserved',
  excluded: 'excluded',
  'in-use': 'in use',
  listening: 'listening',
  'unprivileged-start': 'unprivileged start',
};

/** Narrowest mark, in px, for a listener or busy port. */
export const MIN_MARK_WIDTH = 2;

export interface PortMapSvgOptions {
  /** Total width in px (default 1200, at least 320). */
  width?: number;
  /** Overrides the heading; default: "Ports of HOST · NETNS · TIME" from the fields below. */
  title?: string;
  host?: string;
  /** The network namespace shown (a path), or undefined for the caller's. */
  netns?: string;
  /** When the ports were read. */
  time?: Date;
  /** Linux `ip_unprivileged_port_start`: drawn as a line when given. */
  unprivilegedStart?: number;
  /** How the OS calls the ports kept out of the range: `reserved` (Linux, BSD) or `excluded` (Windows). Default reserved. */
  reservedKind?: 'reserved' | 'excluded';
}

/** Text into XML/HTML content or a quoted attribute (the SVG map here; the facade's HTML report too). */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const span = (r: PortRange) => (r.low === r.high ? String(r.low) : `${r.low}-${r.high}`);
const px = (n: number) => n.toFixed(2);

const FONT = 12;
const LABEL_FONT = 11;
/**
 * Upper bound of a character's advance in the sans-serif fonts browsers pick (digits are ~0.56 em in DejaVu Sans,
 * Liberation Sans and Arial): estimating high keeps labels apart without measuring text.
 */
const CHAR_EM = 0.68;
const textWidth = (text: string, size: number) => text.length * CHAR_EM * size;

interface Label {
  text: string;
  port: number;
  kind: MapDrawKind;
}

interface PlacedLabel extends Label {
  x: number;
  row: number;
  width: number;
}

/**
 * Greedy, in priority order: each label takes the first row where it touches no other label, its tick line (from the
 * axis down to it) crosses no label of a row above, and it covers no tick of a label further down. A label that
 * fits nowhere is left out.
 */
function placeLabels(labels: readonly Label[], xOf: (port: number) => number, left: number, right: number, rows: number): PlacedLabel[] {
  const placed: PlacedLabel[] = [];
  const gap = 4;
  const covers = (p: { x: number; width: number }, tick: number) => tick >= p.x - 1 && tick <= p.x + p.width + 1;
  for (const label of labels) {
    const width = textWidth(label.text, LABEL_FONT);
    const tick = xOf(label.port);
    const x = Math.min(Math.max(tick - width / 2, left), right - width);
    for (let row = 0; row < rows; row++) {
      const clash = placed.some(
        (p) =>
          (p.row === row && x < p.x + p.width + gap && p.x < x + width + gap) ||
          (p.row < row && covers(p, tick)) ||
          (p.row > row && covers({ x, width }, xOf(p.port))),
      );
      if (!clash) {
        placed.push({ ...label, x, row, width });
        break;
      }
    }
  }
  return placed;
}

export function renderPortMapSvg(map: PortMap, options: PortMapSvgOptions = {}): string {
  const width = Math.max(320, Math.round(options.width ?? 1200));
  const margin = 16;
  const left = margin;
  const right = width - margin;
  const scale = (right - left) / (MAX_PORT + 1);
  const xOf = (port: number) => left + port * scale;
  const reservedKind = options.reservedKind ?? 'reserved';
  const bands = map.bands ?? {
    ephemeral: rangeOfKind(map, 'ephemeral'),
    reserved: map.regions.filter((r) => r.kind === 'reserved'),
    systemBelow: (map.regions.find((r) => r.kind === 'system')?.high ?? -1) + 1,
  };
  const marks = (kind: RegionKind) => map.regions.filter((r) => r.kind === kind);
  const listening = marks('listening');
  const inUse = marks('in-use');

  const heading = options.title ?? titleParts(options).join(' · ');
  const headingLines = wrapHeading(options.title !== undefined ? [options.title] : titleParts(options), right - left);
  const desc =
    `Ports 0 to ${MAX_PORT}. Ephemeral range ${span(bands.ephemeral)}; ` +
    `${map.totals.reserved} ${reservedKind} port(s) kept out of automatic assignment; ` +
    `${map.totals.listening} listening and ${map.totals['in-use']} other busy port(s)` +
    (options.unprivilegedStart !== undefined ? `; unprivileged ports start at ${options.unprivilegedStart}.` : '.');

  const titleY = 22;
  const barY = 38 + (headingLines.length - 1) * HEADING_LINE;
  const barH = 30;
  const laneH = 12;
  const listenY = barY + barH + 6;
  const inUseY = listenY + laneH + 4;
  const axisY = inUseY + laneH + 4;
  const labelRows = 4;
  const rowH = LABEL_FONT + 5;
  const labelTop = axisY + 6;

  const out: string[] = [];
  const rect = (cls: string, kind: MapDrawKind, r: PortRange, y: number, h: number, minWidth: number) => {
    const exact = (r.high - r.low + 1) * scale;
    const w = Math.max(minWidth, exact);
    const x = Math.min(Math.max(xOf(r.low) - (w - exact) / 2, left), right - w);
    out.push(
      `<rect class="${cls}" data-kind="${kind}" data-low="${r.low}" data-high="${r.high}" x="${px(x)}" y="${y}" ` +
        `width="${px(w)}" height="${h}" fill="${REGION_COLORS[kind]}"><title>${escapeXml(`${LABELS[kind]}: ${span(r)}`)}</title></rect>`,
    );
  };

  // Bands: the background classes first, then the ranges whole on top of them.
  out.push(`<g class="bands">`);
  if (bands.systemBelow > 0) rect('band', 'system', { low: 0, high: bands.systemBelow - 1 }, barY, barH, 1);
  if (bands.systemBelow <= MAX_PORT) rect('band', 'user', { low: bands.systemBelow, high: MAX_PORT }, barY, barH, 1);
  if (bands.ephemeral.high >= bands.ephemeral.low) rect('band', 'ephemeral', bands.ephemeral, barY, barH, MIN_MARK_WIDTH);
  for (const r of bands.reserved) rect('band', reservedKind, r, barY, barH, MIN_MARK_WIDTH);
  out.push(`</g>`);

  out.push(`<g class="marks">`);
  for (const r of listening) rect('mark', 'listening', r, listenY, laneH, MIN_MARK_WIDTH);
  for (const r of inUse) rect('mark', 'in-use', r, inUseY, laneH, MIN_MARK_WIDTH);
  out.push(`</g>`);

  if (options.unprivilegedStart !== undefined) {
    const x = px(xOf(options.unprivilegedStart));
    out.push(
      `<line class="marker" data-kind="unprivileged-start" data-port="${options.unprivilegedStart}" x1="${x}" y1="${barY - 4}" ` +
        `x2="${x}" y2="${axisY}" stroke="${REGION_COLORS['unprivileged-start']}" stroke-width="1.5" stroke-dasharray="3 2">` +
        `<title>${escapeXml(`${LABELS['unprivileged-start']}: ${options.unprivilegedStart}`)}</title></line>`,
    );
  }

  // Labels, most important first: range bounds, then the axis ends, then listeners.
  const labels: Label[] = [
    { text: String(bands.ephemeral.low), port: bands.ephemeral.low, kind: 'ephemeral' },
    { text: String(bands.ephemeral.high), port: bands.ephemeral.high, kind: 'ephemeral' },
    ...(options.unprivilegedStart !== undefined
      ? [{ text: String(options.unprivilegedStart), port: options.unprivilegedStart, kind: 'unprivileged-start' as const }]
      : []),
    ...(bands.systemBelow > 0 && bands.systemBelow <= MAX_PORT
      ? [{ text: String(bands.systemBelow), port: bands.systemBelow, kind: 'system' as const }]
      : []),
    { text: '0', port: 0, kind: 'user' },
    { text: String(MAX_PORT), port: MAX_PORT, kind: 'user' },
    ...bands.reserved.map((r) => ({ text: span(r), port: Math.round((r.low + r.high) / 2), kind: reservedKind })),
    ...listening.map((r) => ({ text: span(r), port: Math.round((r.low + r.high) / 2), kind: 'listening' as const })),
  ];
  const seen = new Set<string>();
  const unique = labels.filter((l) => (seen.has(`${l.text}@${l.port}`) ? false : (seen.add(`${l.text}@${l.port}`), true)));
  const placed = placeLabels(unique, xOf, left, right, labelRows);
  const usedRows = placed.reduce((n, l) => Math.max(n, l.row + 1), 0);
  out.push(`<g class="axis">`);
  out.push(`<line x1="${left}" y1="${axisY}" x2="${right}" y2="${axisY}" stroke="#444" stroke-width="1"/>`);
  for (const l of placed) {
    const tx = px(xOf(l.port));
    const ty = labelTop + l.row * rowH;
    out.push(
      `<line class="tick" data-kind="${l.kind}" x1="${tx}" y1="${axisY}" x2="${tx}" y2="${ty}" stroke="#666" stroke-width="0.75"/>`,
    );
    out.push(
      `<text class="label" data-kind="${l.kind}" data-port="${l.port}" x="${px(l.x)}" y="${ty + LABEL_FONT}" font-size="${LABEL_FONT}">${escapeXml(l.text)}</text>`,
    );
  }
  out.push(`</g>`);

  // Legend: wraps to the width; swatches use the colour table the bands and marks use.
  const kinds: MapDrawKind[] = ['system', 'user', 'ephemeral', reservedKind, 'listening', 'in-use'];
  if (options.unprivilegedStart !== undefined) kinds.push('unprivileged-start');
  const counts: Partial<Record<MapDrawKind, string>> = {
    system: `${map.totals.system}`,
    user: `${map.totals.user}`,
    ephemeral: `${bands.ephemeral.high - bands.ephemeral.low + 1}`,
    [reservedKind]: `${map.totals.reserved}`,
    listening: `${map.totals.listening}`,
    'in-use': `${map.totals['in-use']}`,
    ...(options.unprivilegedStart !== undefined ? { 'unprivileged-start': `port ${options.unprivilegedStart}` } : {}),
  };
  const legendTop = labelTop + Math.max(1, usedRows) * rowH + 10;
  const legend: string[] = [];
  let lx = left;
  let ly = legendTop;
  for (const kind of kinds) {
    const text = `${LABELS[kind]} (${counts[kind]})`;
    const w = 16 + textWidth(text, FONT) + 18;
    if (lx + w > right && lx > left) {
      lx = left;
      ly += 20;
    }
    const swatch =
      kind === 'unprivileged-start'
        ? `<line class="legend-swatch" data-kind="${kind}" x1="${lx + 6}" y1="${ly}" x2="${lx + 6}" y2="${ly + 12}" stroke="${REGION_COLORS[kind]}" stroke-width="1.5" stroke-dasharray="3 2"/>`
        : `<rect class="legend-swatch" data-kind="${kind}" x="${lx}" y="${ly}" width="12" height="12" fill="${REGION_COLORS[kind]}" stroke="#666" stroke-width="0.5"/>`;
    legend.push(swatch, `<text class="legend-label" data-kind="${kind}" x="${lx + 16}" y="${ly + 11}">${escapeXml(text)}</text>`);
    lx += w;
  }
  const height = ly + 12 + 12;

  const head = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="${FONT}" role="img" aria-labelledby="port-map-title port-map-desc">`,
    `<title id="port-map-title">${escapeXml(heading)}</title>`,
    `<desc id="port-map-desc">${escapeXml(desc)}</desc>`,
    `<rect class="background" x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    ...headingLines.map(
      (line, i) =>
        `<text class="heading" x="${left}" y="${titleY + i * HEADING_LINE}" font-size="${HEADING_FONT}" font-weight="bold">${escapeXml(line)}</text>`,
    ),
  ];
  return `${[...head, ...out, `<g class="legend">`, ...legend, `</g>`, `</svg>`].join('\n')}\n`;
}

function titleParts(options: PortMapSvgOptions): string[] {
  const parts = [options.host ? `Ports of ${options.host}` : 'Port map 0–65535'];
  parts.push(options.netns ? `netns ${options.netns}` : "the caller's network namespace");
  if (options.time) parts.push(options.time.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  return parts;
}

const HEADING_FONT = 14;
const HEADING_LINE = 18;
// Bold glyphs run wider than regular ones.
const headingWidth = (text: string) => text.length * (CHAR_EM + 0.06) * HEADING_FONT;

/** Joins the parts with " · " while they fit the width; a part too long for a line alone is cut with "…". */
function wrapHeading(parts: readonly string[], width: number): string[] {
  const lines: string[] = [];
  for (const part of parts) {
    const last = lines[lines.length - 1];
    if (last !== undefined && headingWidth(`${last} · ${part}`) <= width) lines[lines.length - 1] = `${last} · ${part}`;
    else lines.push(part);
  }
  const maxChars = Math.floor(width / ((CHAR_EM + 0.06) * HEADING_FONT));
  return lines.map((line) => (line.length > maxChars ? `${line.slice(0, Math.max(1, maxChars - 1))}…` : line));
}

/** For maps built by hand (no bands): the span of the ephemeral regions. */
function rangeOfKind(map: PortMap, kind: RegionKind): PortRange {
  const own = map.regions.filter((r) => r.kind === kind);
  if (own.length === 0) return { low: 0, high: -1 };
  return { low: own[0]!.low, high: own[own.length - 1]!.high };
}
