/**
 * The port-map model: the whole 0–65535 space cut into regions (system ports, user ports, ephemeral range,
 * reserved/excluded, listening, in use), with higher layers winning where they overlap. Renderers (terminal bar,
 * SVG) draw these regions; they never recompute them.
 */
import { MAX_PORT, PortSet, type PortRange } from '../range.js';

export type RegionKind = 'system' | 'user' | 'ephemeral' | 'reserved' | 'in-use' | 'listening';

/** Drawing order and precedence: later kinds win. */
export const REGION_KINDS: readonly RegionKind[] = ['user', 'system', 'ephemeral', 'reserved', 'in-use', 'listening'];

export interface Region {
  kind: RegionKind;
  low: number;
  high: number;
}

export interface PortMapInput {
  range: PortRange;
  reserved?: PortSet;
  listening?: PortSet;
  inUse?: PortSet;
  /** Ports below this are system ports. Default 1024. */
  systemBelow?: number;
}

/** The input ranges before precedence, so a picture can draw each range whole (as a band) under the marks. */
export interface PortMapBands {
  ephemeral: PortRange;
  reserved: readonly PortRange[];
  /** Ports below this are system ports. */
  systemBelow: number;
}

export interface PortMap {
  regions: Region[];
  /** Port counts per kind after precedence. */
  totals: Record<RegionKind, number>;
  /** Set by {@link buildPortMap}; absent in maps built by hand. */
  bands?: PortMapBands;
}

export function buildPortMap(input: PortMapInput): PortMap {
  const systemBelow = input.systemBelow ?? 1024;
  const layers: Record<RegionKind, PortSet> = {
    system: systemBelow > 0 ? PortSet.of({ low: 0, high: Math.min(systemBelow, MAX_PORT + 1) - 1 }) : PortSet.EMPTY,
    user: PortSet.of({ low: 0, high: MAX_PORT }),
    ephemeral: PortSet.of(input.range),
    reserved: input.reserved ?? PortSet.EMPTY,
    'in-use': input.inUse ?? PortSet.EMPTY,
    listening: input.listening ?? PortSet.EMPTY,
  };
  // Resolve precedence from the top: each layer keeps only what no higher layer covers.
  let covered = PortSet.EMPTY;
  const regions: Region[] = [];
  const totals = {} as Record<RegionKind, number>;
  for (let i = REGION_KINDS.length - 1; i >= 0; i--) {
    const kind = REGION_KINDS[i]!;
    const own = layers[kind].subtract(covered);
    totals[kind] = own.size;
    for (const r of own.ranges) regions.push({ kind, low: r.low, high: r.high });
    covered = covered.union(layers[kind]);
  }
  regions.sort((a, b) => a.low - b.low);
  const bands: PortMapBands = {
    ephemeral: { low: input.range.low, high: input.range.high },
    reserved: layers.reserved.ranges.map((r) => ({ low: r.low, high: r.high })),
    systemBelow,
  };
  return { regions, totals, bands };
}

/**
 * Buckets the map into `width` cells for a terminal bar: each cell shows the highest-precedence kind present
 * in the ports it covers, so a single listening port stays visible.
 */
export function bucketPortMap(map: PortMap, width: number): RegionKind[] {
  const cells: (RegionKind | undefined)[] = new Array<RegionKind | undefined>(width).fill(undefined);
  const rank = new Map(REGION_KINDS.map((k, i) => [k, i]));
  const per = (MAX_PORT + 1) / width;
  for (const r of map.regions) {
    const first = Math.floor(r.low / per);
    const last = Math.min(width - 1, Math.floor(r.high / per));
    for (let c = first; c <= last; c++) {
      const current = cells[c];
      if (current === undefined || rank.get(r.kind)! > rank.get(current)!) cells[c] = r.kind;
    }
  }
  return cells.map((k) => k ?? 'user');
}
