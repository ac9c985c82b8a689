/**
 * A seeded pseudo-random permutation of [0, n) evaluated one index at a time in O(1) memory: a 4-round
 * balanced Feistel network over the smallest even number of bits covering n, with cycle walking to stay below n
 * (Black & Rogaway, "Ciphers with arbitrary finite domains", 2002). Each output is distinct, and all n appear.
 */
import { checkInteger } from '../errors.js';
import { Xoshiro128, mix32 } from './prng.js';

const ROUNDS = 4;

export class IndexPermutation {
  readonly size: number;
  private readonly halfBits: number;
  private readonly halfMask: number;
  private readonly keys: number[];

  constructor(size: number, seed: number) {
    checkInteger('size', size, 0, 0x1_0000_0000);
    this.size = size;
    let bits = 2;
    while (2 ** bits < size) bits += 2;
    this.halfBits = bits / 2;
    this.halfMask = 2 ** this.halfBits - 1;
    const rng = new Xoshiro128(seed);
    this.keys = Array.from({ length: ROUNDS }, () => rng.next());
  }

  /** The image of index `i` (0 ≤ i < size). Expected < 4 Feistel evaluations because the domain is < 4 × size. */
  at(i: number): number {
    let x = i;
    do x = this.encrypt(x);
    while (x >= this.size);
    return x;
  }

  private encrypt(x: number): number {
    let left = Math.floor(x / 2 ** this.halfBits);
    let right = x & this.halfMask;
    for (const key of this.keys) {
      const f = mix32(right ^ key) & this.halfMask;
      [left, right] = [right, (left ^ f) >>> 0];
    }
    return left * 2 ** this.halfBits + right;
  }
}
