import { describe, expect, it } from 'vitest';
import { PortSet, portRange } from '../range.js';
import type { ConnectionKey } from './hashing.js';
import { type Rfc6056AlgorithmNumber, createRfc6056Selector } from './rfc6056.js';

const ALGORITHMS: Rfc6056AlgorithmNumber[] = [1, 2, 3, 4, 5];
const range = portRange(40_000, 40_499);
const reserved = PortSet.of({ low: 40_100, high: 40_149 }, { low: 40_333, high: 40_333 });
const key: ConnectionKey = { localAddress: '10.0.0.1', remoteAddress: '192.0.2.7', remotePort: 443 };

/** Pearson's chi-square statistic of observed counts against a uniform expectation. */
function chiSquare(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}
// Upper 0.1 % points of the chi-square distribution (standard table): df = 49 and df = 99.
const CHI2_999_DF49 = 85.351;
const CHI2_999_DF99 = 148.23;

describe.each(ALGORITHMS)('RFC 6056 algorithm %i', (n) => {
  it('gives the same sequence for the same seed, another for another seed', () => {
    const run = (seed: number) => {
      const s = createRfc6056Selector(n, { range, seed });
      return Array.from({ length: 200 }, (_, i) => s.select({ ...key, remotePort: 1000 + (i % 7) }));
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });

  it('never returns a reserved or in-use port and stays inside the range', () => {
    const inUse = new Set<number>();
    const s = createRfc6056Selector(n, { range, reserved, seed: 9, inUse: (p) => inUse.has(p) });
    for (let i = 0; i < 300; i++) {
      const p = s.select(key);
      expect(p).not.toBeNull();
      expect(p! >= range.low && p! <= range.high).toBe(true);
      expect(reserved.has(p!)).toBe(false);
      expect(inUse.has(p!)).toBe(false);
      inUse.add(p!);
    }
  });

  it('is exhausted exactly at capacity (range − reserved − in use), then returns null', () => {
    const inUse = new Set<number>([40_000, 40_499, 40_250]);
    const s = createRfc6056Selector(n, { range, reserved, seed: 4, inUse: (p) => inUse.has(p) });
    const capacity = PortSet.of(range).subtract(reserved).subtract(PortSet.fromPorts(inUse)).size;
    let got = 0;
    for (;;) {
      const p = s.select(key);
      if (p === null) break;
      inUse.add(p);
      got++;
      if (got > capacity) break;
    }
    expect(got).toBe(capacity);
    expect(s.select(key)).toBeNull();
  });

  it('handles a one-port range', () => {
    const s = createRfc6056Selector(n, { range: portRange(5000, 5000), seed: 1 });
    expect(s.select(key)).toBe(5000);
  });

  it('passes the connection key to the in-use predicate', () => {
    const seen: ConnectionKey[] = [];
    const s = createRfc6056Selector(n, { range, seed: 1, inUse: (_p, k) => (seen.push(k), false) });
    s.select(key);
    expect(seen[0]).toEqual(key);
  });
});

describe('RFC 6056 distribution (fixed seed, chi-square at the 0.1 % level)', () => {
  const small = portRange(50_000, 50_049); // 50 ports → 49 degrees of freedom

  it.each([1, 2] as const)('algorithm %i picks ports uniformly from an empty range', (n) => {
    const s = createRfc6056Selector(n, { range: small, seed: 2024 });
    const counts = new Array<number>(50).fill(0);
    for (let i = 0; i < 50_000; i++) counts[s.select()! - small.low]!++;
    expect(chiSquare(counts)).toBeLessThan(CHI2_999_DF49);
  });

  it('algorithm 2 stays uniform over the free ports when a block is in use; algorithm 1 does not (its known bias)', () => {
    // Ports 50 000-50 049 free, 50 050-50 149 in use: algorithm 1 lands on 50 000 whenever its random start falls
    // in the used block (two thirds of the time) — the bias the RFC discusses. The test must see that.
    const wide = portRange(50_000, 50_149);
    const inUse = (p: number) => p >= 50_050;
    const counts = (n: 1 | 2) => {
      const s = createRfc6056Selector(n, { range: wide, seed: 77, inUse });
      const c = new Array<number>(50).fill(0);
      for (let i = 0; i < 20_000; i++) c[s.select()! - wide.low]!++;
      return c;
    };
    expect(chiSquare(counts(2))).toBeLessThan(CHI2_999_DF49);
    expect(chiSquare(counts(1))).toBeGreaterThan(CHI2_999_DF49);
  });

  it('algorithm 4 spreads different destinations over the range', () => {
    const r = portRange(60_000, 60_099);
    const s = createRfc6056Selector(4, { range: r, seed: 5, tableLength: 10 });
    const counts = new Array<number>(100).fill(0);
    for (let i = 0; i < 50_000; i++) counts[s.select({ remoteAddress: `198.51.100.${i % 250}`, remotePort: i })! - r.low]!++;
    expect(chiSquare(counts)).toBeLessThan(CHI2_999_DF99);
  });
});

describe('RFC 6056 algorithm specifics', () => {
  it('algorithm 3 hands out consecutive ports to one destination (one global counter)', () => {
    const s = createRfc6056Selector(3, { range, seed: 1 });
    const a = s.select(key)!;
    const b = s.select(key)!;
    expect(b).toBe(a === range.high ? range.low : a + 1);
  });

  it('algorithm 3/4 offsets depend on the pluggable hash F and its secret', () => {
    const constantF = () => 123;
    const s3 = createRfc6056Selector(3, { range, seed: 1, hash: constantF, secret: 1 });
    const t3 = createRfc6056Selector(3, { range, seed: 1, hash: constantF, secret: 2 });
    // Same counter (same seed), same F output → same port regardless of secret and key.
    expect(s3.select(key)).toBe(t3.select({ remotePort: 1 }));
    const secrets: number[] = [];
    const recording = (_k: ConnectionKey, secret: number) => (secrets.push(secret), 0);
    createRfc6056Selector(4, { range, seed: 1, hash: recording, secret: 11, secret2: 22 }).select(key);
    expect(secrets).toEqual([11, 22]);
  });

  it('algorithm 4 keeps a separate counter per table slot: other destinations do not move this one', () => {
    const g = (k: ConnectionKey, secret: number) => (secret === 2 ? (k.remotePort ?? 0) % 10 : 1000);
    const a = createRfc6056Selector(4, { range, seed: 3, hash: g, secret: 1, secret2: 2 });
    const b = createRfc6056Selector(4, { range, seed: 3, hash: g, secret: 1, secret2: 2 });
    const first = a.select({ remotePort: 80 });
    b.select({ remotePort: 81 }); // another slot
    b.select({ remotePort: 82 });
    expect(b.select({ remotePort: 80 })).toBe(first);
  });

  it('algorithm 5 moves forward by 1..N each attempt (N = 1 is sequential)', () => {
    const s = createRfc6056Selector(5, { range, seed: 8, increment: 1 });
    const a = s.select()!;
    expect(s.select()).toBe(a === range.high ? range.low : a + 1);
  });

  it('verbatim algorithm 2 can give up while a port is free, as the RFC warns; the default sweeps', () => {
    const r = portRange(30_000, 30_099);
    const inUse = (p: number) => p !== 30_042; // one free port: P(100 draws miss it) ≈ 0.37
    let verbatimMisses = 0;
    for (let seed = 1; seed <= 40; seed++) {
      if (createRfc6056Selector(2, { range: r, seed, inUse, verbatim: true }).select() === null) verbatimMisses++;
      expect(createRfc6056Selector(2, { range: r, seed, inUse }).select()).toBe(30_042);
    }
    expect(verbatimMisses).toBeGreaterThan(0);
    expect(verbatimMisses).toBeLessThan(40);
  });

  it('rejects bad options with coded errors', () => {
    const bad: unknown[] = [
      [1, { range: { low: 10, high: 5 } }, 'ERR_OUT_OF_RANGE'],
      [1, { range: null }, 'ERR_INVALID_ARG_TYPE'],
      [1, { range, reserved: [1] }, 'ERR_INVALID_ARG_TYPE'],
      [1, { range, inUse: 5 }, 'ERR_INVALID_ARG_TYPE'],
      [1, { range, seed: 'x' }, 'ERR_INVALID_ARG_TYPE'],
      [4, { range, tableLength: 0 }, 'ERR_OUT_OF_RANGE'],
      [5, { range, increment: 0 }, 'ERR_OUT_OF_RANGE'],
      [6, { range }, 'ERR_OUT_OF_RANGE'],
      ['1', { range }, 'ERR_INVALID_ARG_TYPE'],
    ];
    for (const [n, options, code] of bad as [Rfc6056AlgorithmNumber, never, string][]) {
      expect(() => createRfc6056Selector(n, options)).toThrow(expect.objectContaining({ code }));
    }
  });
});
