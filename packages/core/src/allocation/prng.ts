/**
 * Small, well-known, seedable PRNGs so every simulation is reproducible: splitmix32 expands a seed into state,
 * xoshiro128** (Blackman & Vigna, 2018) produces the stream. Not cryptographic — the models only need
 * reproducible, well-distributed numbers; an attacker model is out of scope.
 */
import { checkInteger, invalidArgValue } from '../errors.js';

/** A source of uniformly distributed unsigned 32-bit integers. */
export interface Random32 {
  /** Next value in [0, 2^32). */
  next(): number;
}

/** splitmix32: one 32-bit step of the SplitMix generator; used to seed and as a cheap mixer. */
export function splitmix32(state: number): { value: number; state: number } {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return { value: z >>> 0, state: s };
}

/** Integer avalanche mixer (murmur3 fmix32). Bijective on 32-bit values. */
export function mix32(x: number): number {
  let z = x | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export function assertSeed(seed: unknown, name = 'seed'): asserts seed is number {
  checkInteger(name, seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
}

/** A fresh unpredictable seed for callers that do not ask for reproducibility. */
export function randomSeed(): number {
  const buf = new Uint32Array(1);
  globalThis.crypto.getRandomValues(buf);
  return buf[0]!;
}

/** xoshiro128**: period 2^128 − 1, passes BigCrush; 4 × 32-bit state. */
export class Xoshiro128 implements Random32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    assertSeed(seed);
    // Fold both halves of a safe integer so seeds above 2^32 still differ.
    let s = (seed >>> 0) ^ mix32(Math.floor(seed / 0x1_0000_0000));
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const step = splitmix32(s);
      s = step.state;
      words.push(step.value | 0);
    }
    [this.a, this.b, this.c, this.d] = words as [number, number, number, number];
    // The all-zero state is the one fixed point of xoshiro; splitmix cannot produce four zeros, but be explicit.
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** A generator with an explicit state (for reference vectors); the all-zero state is rejected. */
  static fromState(a: number, b: number, c: number, d: number): Xoshiro128 {
    if (((a | b | c | d) >>> 0) === 0) {
      throw invalidArgValue('state', [a, b, c, d], 'must not be all zero (xoshiro128** never leaves that state)');
    }
    const rng = new Xoshiro128(0);
    rng.a = a | 0;
    rng.b = b | 0;
    rng.c = c | 0;
    rng.d = d | 0;
    return rng;
  }

  next(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9);
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result >>> 0;
  }

  /** Uniform integer in [0, bound) without modulo bias (Lemire-style rejection on 32 bits). */
  below(bound: number): number {
    return uniformBelow(this, bound);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Uniform integer in [0, bound), bound in [1, 2^32], by rejecting the biased tail. */
export function uniformBelow(rng: Random32, bound: number): number {
  checkInteger('bound', bound, 1, 0x1_0000_0000);
  const limit = 0x1_0000_0000 - (0x1_0000_0000 % bound);
  for (;;) {
    const x = rng.next();
    if (x < limit) return x % bound;
  }
}
