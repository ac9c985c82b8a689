import { describe, expect, it } from 'vitest';
import { IndexPermutation } from './permutation.js';
import { Xoshiro128, mix32, uniformBelow } from './prng.js';

describe('Xoshiro128 (xoshiro128**)', () => {
  it('matches the reference output for state [1, 2, 3, 4]', () => {
    // Reference values of xoshiro128** (Blackman & Vigna's C code, also the rand_xoshiro test vector).
    const rng = Xoshiro128.fromState(1, 2, 3, 4);
    const out = Array.from({ length: 10 }, () => rng.next());
    expect(out).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ]);
  });

  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = new Xoshiro128(42);
    const b = new Xoshiro128(42);
    const c = new Xoshiro128(43);
    const sa = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(sa);
    expect(sa.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32)).toBe(true);
  });

  it('distinguishes seeds above 2^32 from their low 32 bits', () => {
    expect(new Xoshiro128(2 ** 32 + 5).next()).not.toBe(new Xoshiro128(5).next());
  });

  it('rejects bad seeds (RangeError, TypeError) and the all-zero state', () => {
    for (const bad of [1.5, NaN, 2 ** 60]) {
      expect(() => new Xoshiro128(bad)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    }
    expect(() => new Xoshiro128('1' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => Xoshiro128.fromState(0, 0, 0, 0)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });

  it('uniformBelow stays in [0, bound) and rejects bad bounds', () => {
    const rng = new Xoshiro128(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const x = uniformBelow(rng, 7);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(7);
      seen.add(x);
    }
    expect(seen.size).toBe(7);
    expect(() => uniformBelow(rng, 0)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => uniformBelow(rng, 2 ** 32 + 1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });

  it('mix32 is a bijection on a sample (no collisions among 100 000 inputs)', () => {
    const out = new Set<number>();
    for (let i = 0; i < 100_000; i++) out.add(mix32(i));
    expect(out.size).toBe(100_000);
  });
});

describe('IndexPermutation', () => {
  it.each([0, 1, 2, 3, 5, 17, 64, 65, 1000, 28_232, 65_536])('is a bijection of [0, %i)', (n) => {
    const perm = new IndexPermutation(n, 99);
    const seen = new Uint8Array(n);
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const x = perm.at(i);
      if (!(x >= 0 && x < n) || seen[x] === 1) bad++;
      else seen[x] = 1;
    }
    expect(bad).toBe(0);
    expect(seen.reduce((a, b) => a + b, 0)).toBe(n);
  });

  it('is reproducible by seed and differs between seeds', () => {
    const order = (seed: number) => Array.from({ length: 500 }, (_, i) => new IndexPermutation(500, seed).at(i));
    expect(order(1)).toEqual(order(1));
    expect(order(1)).not.toEqual(order(2));
    // Not the identity: a shuffled order keeps few elements in place.
    expect(order(1).filter((x, i) => x === i).length).toBeLessThan(25);
  });

  it('rejects sizes outside 0..2^32', () => {
    expect(() => new IndexPermutation(-1, 1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => new IndexPermutation(1.5, 1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });
});

describe('defaultKeyedHash', () => {
  it('is deterministic, keyed by the secret, and separates the fields', async () => {
    const { defaultKeyedHash } = await import('./hashing.js');
    const key = { localAddress: '10.0.0.1', remoteAddress: '192.0.2.1', remotePort: 443 };
    expect(defaultKeyedHash(key, 1)).toBe(defaultKeyedHash({ ...key }, 1));
    expect(defaultKeyedHash(key, 1)).not.toBe(defaultKeyedHash(key, 2));
    expect(defaultKeyedHash(key, 1)).not.toBe(defaultKeyedHash({ ...key, remotePort: 444 }, 1));
    expect(defaultKeyedHash({ localAddress: 'ab', remoteAddress: 'c' }, 1)).not.toBe(
      defaultKeyedHash({ localAddress: 'a', remoteAddress: 'bc' }, 1),
    );
    const h = defaultKeyedHash(key, 1);
    expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
  });
});
