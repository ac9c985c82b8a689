import { describe, expect, it } from 'vitest';
import { PortSet, portRange } from '../range.js';
import { candidatePool, candidatePorts, planBlocks } from './planning.js';

const within = portRange(1000, 1199);
const avoid = PortSet.of({ low: 1050, high: 1059 }, { low: 1100, high: 1100 });

describe('candidatePool', () => {
  it('is within minus avoid minus the privileged ports', () => {
    expect(candidatePool({ within, avoid }).toString()).toBe('1024-1049,1060-1099,1101-1199');
    expect(candidatePool({ within, avoid, privilegedBelow: 0 }).toString()).toBe('1000-1049,1060-1099,1101-1199');
  });

  it('defaults to 1024-65535', () => {
    expect(candidatePool().toString()).toBe('1024-65535');
  });

  it.each([
    [{ within: { low: 5, high: 2 } }, 'ERR_OUT_OF_RANGE'],
    [{ within: { low: -1, high: 2 } }, 'ERR_OUT_OF_RANGE'],
    [{ within: '1-2' }, 'ERR_INVALID_ARG_TYPE'],
    [{ avoid: [1, 2] }, 'ERR_INVALID_ARG_TYPE'],
    [{ privilegedBelow: 70_000 }, 'ERR_OUT_OF_RANGE'],
    [{ order: 'descending' }, 'ERR_INVALID_ARG_VALUE'],
    [{ seed: 0.5 }, 'ERR_OUT_OF_RANGE'],
    ['random', 'ERR_INVALID_ARG_TYPE'],
  ])('rejects options %j with %s', (options, code) => {
    expect(() => candidatePool(options as never)).toThrow(expect.objectContaining({ code }));
  });
});

describe('candidatePorts', () => {
  it('yields every pool port exactly once, in random order', () => {
    const pool = candidatePool({ within, avoid });
    const ports = [...candidatePorts({ within, avoid, seed: 3 })];
    expect(ports.length).toBe(pool.size);
    expect(PortSet.fromPorts(ports).equals(pool)).toBe(true);
    expect(ports).not.toEqual([...pool.ports()]);
  });

  it('is reproducible by seed', () => {
    const a = [...candidatePorts({ within, seed: 11 })];
    expect([...candidatePorts({ within, seed: 11 })]).toEqual(a);
    expect([...candidatePorts({ within, seed: 12 })]).not.toEqual(a);
  });

  it('yields ascending order on request', () => {
    const ports = [...candidatePorts({ within, avoid, order: 'ascending' })];
    expect(ports).toEqual([...candidatePool({ within, avoid }).ports()]);
  });

  it('is lazy: the first ports of the full 1024-65535 pool come without walking it', () => {
    const it = candidatePorts({ seed: 1 });
    const first = [it.next().value, it.next().value, it.next().value];
    expect(first.every((p) => typeof p === 'number' && p >= 1024 && p <= 65535)).toBe(true);
  });

  it('yields nothing for an empty pool', () => {
    expect([...candidatePorts({ within: portRange(10, 20) })]).toEqual([]);
  });

  it('checks options when iteration starts', () => {
    expect(() => [...candidatePorts({ order: 'x' as never })]).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });
});

describe('planBlocks', () => {
  const pool = candidatePool({ within, avoid });

  function checkBlocks(blocks: { low: number; high: number }[], size: number) {
    for (const b of blocks) {
      expect(b.high - b.low + 1).toBe(size);
      expect(pool.intersect(b).size).toBe(size); // every port of the block is in the pool
    }
    const sorted = [...blocks].sort((a, b) => a.low - b.low);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.low).toBeGreaterThan(sorted[i - 1]!.high);
  }

  it('packs ascending blocks from the lowest pool port', () => {
    const blocks = planBlocks(10, 3, { within, avoid, order: 'ascending' });
    expect(blocks).toEqual([portRange(1024, 1033), portRange(1034, 1043), portRange(1060, 1069)]);
    checkBlocks(blocks, 10);
  });

  it('draws disjoint random blocks inside the pool, reproducibly', () => {
    const blocks = planBlocks(7, 12, { within, avoid, seed: 5 });
    expect(blocks).toHaveLength(12);
    checkBlocks(blocks, 7);
    expect(planBlocks(7, 12, { within, avoid, seed: 5 })).toEqual(blocks);
  });

  it('finds as many blocks as fit, and ERR_EPHEMERAL_NO_FREE_PORT beyond', () => {
    // Pool pieces: 26, 40 and 99 ports → ⌊26/20⌋ + ⌊40/20⌋ + ⌊99/20⌋ = 1 + 2 + 4 = 7 blocks of 20.
    checkBlocks(planBlocks(20, 7, { within, avoid, seed: 1 }), 20);
    checkBlocks(planBlocks(20, 7, { within, avoid, order: 'ascending' }), 20);
    expect(() => planBlocks(20, 8, { within, avoid, seed: 1 })).toThrow(expect.objectContaining({ code: 'ERR_EPHEMERAL_NO_FREE_PORT' }));
  });

  it('rejects bad sizes and counts', () => {
    for (const [size, count] of [[0, 1], [1, 0], [1.5, 1], [1, 70_000]]) {
      expect(() => planBlocks(size!, count!)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    }
    expect(() => planBlocks('2' as never, 1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});
