import { describe, expect, it } from 'vitest';
import { PortSet } from '../range.js';
import { bucketPortMap, buildPortMap, REGION_KINDS } from './port-map.js';
import { MIN_MARK_WIDTH, REGION_COLORS, renderPortMapSvg } from './svg.js';

const input = {
  range: { low: 32768, high: 60999 },
  reserved: PortSet.of({ low: 40000, high: 40009 }),
  listening: PortSet.fromPorts([22, 8080, 40005, 45000]),
  inUse: PortSet.fromPorts([33000, 33001, 45000, 62000]),
};

describe('port map model', () => {
  it('cuts 0-65535 into contiguous regions with listening > in use > reserved > ephemeral > system > user', () => {
    const map = buildPortMap(input);
    let next = 0;
    for (const r of map.regions) {
      expect(r.low).toBe(next);
      next = r.high + 1;
    }
    expect(next).toBe(65536);
    const kindAt = (port: number) => map.regions.find((r) => r.low <= port && port <= r.high)!.kind;
    expect(kindAt(22)).toBe('listening');
    expect(kindAt(23)).toBe('system');
    expect(kindAt(1024)).toBe('user');
    expect(kindAt(8080)).toBe('listening');
    expect(kindAt(32768)).toBe('ephemeral');
    expect(kindAt(33000)).toBe('in-use');
    expect(kindAt(40004)).toBe('reserved');
    expect(kindAt(40005)).toBe('listening');
    expect(kindAt(45000)).toBe('listening');
    expect(kindAt(62000)).toBe('in-use');
    expect(kindAt(65535)).toBe('user');
  });

  it('totals add up to 65536 and match the inputs', () => {
    const { totals } = buildPortMap(input);
    expect(Object.values(totals).reduce((a, b) => a + b, 0)).toBe(65536);
    expect(totals).toEqual({ listening: 4, 'in-use': 3, reserved: 9, ephemeral: 28232 - 9 - 2 - 2, system: 1023, user: 65536 - 4 - 3 - 9 - 28219 - 1023 });
  });

  it('keeps the input ranges whole as bands for pictures (precedence cuts only the regions)', () => {
    expect(buildPortMap(input).bands).toEqual({
      ephemeral: { low: 32768, high: 60999 },
      reserved: [{ low: 40000, high: 40009 }],
      systemBelow: 1024,
    });
  });

  it('buckets keep the strongest kind so one listener stays visible', () => {
    const cells = bucketPortMap(buildPortMap({ range: { low: 32768, high: 60999 }, listening: PortSet.fromPorts([50000]) }), 64);
    expect(cells).toHaveLength(64);
    expect(cells[0]).toBe('system');
    expect(cells[Math.floor(50000 / 1024)]).toBe('listening');
    expect(cells[40]).toBe('ephemeral');
    expect(cells[63]).toBe('user');
  });
});

describe('port map SVG (structure; the drawing itself is checked in a browser: test/pictures)', () => {
  const attrs = (svg: string, cls: string) =>
    [...svg.matchAll(new RegExp(`<rect class="${cls}" data-kind="([a-z-]+)" data-low="(\\d+)" data-high="(\\d+)" x="([\\d.]+)" y="\\d+" width="([\\d.]+)"`, 'g'))].map(
      (m) => ({ kind: m[1], low: Number(m[2]), high: Number(m[3]), x: Number(m[4]), width: Number(m[5]) }),
    );

  it('draws the ranges whole as bands and every listener / busy port as a mark at least 2 px wide', () => {
    const map = buildPortMap(input);
    const svg = renderPortMapSvg(map, { width: 400, unprivilegedStart: 1024 });
    expect(attrs(svg, 'band').map(({ kind, low, high }) => ({ kind, low, high }))).toEqual([
      { kind: 'system', low: 0, high: 1023 },
      { kind: 'user', low: 1024, high: 65535 },
      { kind: 'ephemeral', low: 32768, high: 60999 },
      { kind: 'reserved', low: 40000, high: 40009 },
    ]);
    const marks = attrs(svg, 'mark');
    expect(marks.map(({ kind, low, high }) => ({ kind, low, high }))).toEqual(
      map.regions.filter((r) => r.kind === 'listening').concat(map.regions.filter((r) => r.kind === 'in-use')),
    );
    for (const m of [...marks, ...attrs(svg, 'band')]) {
      expect(m.width).toBeGreaterThanOrEqual(MIN_MARK_WIDTH);
      expect(m.x).toBeGreaterThanOrEqual(16);
      expect(m.x + m.width).toBeLessThanOrEqual(400 - 16 + 0.01);
    }
    expect(svg).toContain('<line class="marker" data-kind="unprivileged-start" data-port="1024"');
  });

  it('has an accessible title and description, and a heading with host, netns and time', () => {
    const svg = renderPortMapSvg(buildPortMap(input), { host: 'db-1', netns: '/run/netns/blue', time: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) });
    expect(svg).toContain('<title id="port-map-title">Ports of db-1 · netns /run/netns/blue · 2026-01-02T03:04:05Z</title>');
    expect(svg).toMatch(/<desc id="port-map-desc">Ports 0 to 65535\. Ephemeral range 32768-60999; 9 reserved port\(s\)[^<]*4 listening and 3 other busy/);
    expect(svg).toContain('aria-labelledby="port-map-title port-map-desc"');
  });

  it('escapes text, and the legend uses the colour table with the totals', () => {
    const map = buildPortMap(input);
    const svg = renderPortMapSvg(map, { title: `a <b> & "c" 'd'`, reservedKind: 'excluded' });
    expect(svg).toContain('a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;');
    expect(svg).toContain(`<rect class="legend-swatch" data-kind="excluded" x="`);
    expect(svg).toContain(`fill="${REGION_COLORS.excluded}"`);
    expect(svg).toContain('excluded (9)');
    expect(svg).toContain('listening (4)');
    expect(svg).not.toContain('data-kind="reserved"');
  });

  it('a map built by hand (no bands) still draws', () => {
    const { regions, totals } = buildPortMap(input);
    expect(attrs(renderPortMapSvg({ regions, totals }), 'band').map((b) => b.kind)).toEqual(['system', 'user', 'ephemeral', 'reserved', 'reserved']);
  });
});
