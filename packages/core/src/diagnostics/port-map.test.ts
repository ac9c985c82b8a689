import { describe, expect, it } from 'vitest';
import { PortSet } from '../range.js';
import { bucketPortMap, buildPortMap, REGION_KINDS } from './port-map.js';
import { renderPortMapSvg } from './svg.js';

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

  it('buckets keep the strongest kind so one listener stays visible', () => {
    const cells = bucketPortMap(buildPortMap({ range: { low: 32768, high: 60999 }, listening: PortSet.fromPorts([50000]) }), 64);
    expect(cells).toHaveLength(64);
    expect(cells[0]).toBe('system');
    expect(cells[Math.floor(50000 / 1024)]).toBe('listening');
    expect(cells[40]).toBe('ephemeral');
    expect(cells[63]).toBe('user');
  });
});

describe('port map SVG', () => {
  it('has one rect per region, with the region bounds as data attributes', () => {
    const map = buildPortMap(input);
    const svg = renderPortMapSvg(map, { title: 'a <b> & "c"' });
    const rects = [...svg.matchAll(/<rect class="region" data-kind="([a-z-]+)" data-low="(\d+)" data-high="(\d+)"/g)];
    expect(rects.map((m) => ({ kind: m[1], low: Number(m[2]), high: Number(m[3]) }))).toEqual(map.regions);
    expect(svg).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
    for (const kind of REGION_KINDS) expect(svg).toContain(`(${map.totals[kind]})`);
  });
});
