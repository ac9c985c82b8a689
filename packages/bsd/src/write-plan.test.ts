import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BSD_PAIR_BOUNDS, planBsdWrites } from './pair-writer.js';
import { type PairBounds, type PairState, endOrder, intermediateStates, pairStateKind, planPairWrites } from '@ephemeral-ports/core';

const bsdPort = fc.integer({ min: 1024, max: 65535 });
const anyPair = fc.record({ first: bsdPort, last: bsdPort });
/** What a set may target: an ordered pair of at least two ports (FreeBSD refuses one port). */
const target = fc.tuple(bsdPort, bsdPort).filter(([a, b]) => a !== b).map(([a, b]) => ({ first: Math.min(a, b), last: Math.max(a, b) }));
const ordered = fc.tuple(bsdPort, bsdPort).map(([a, b]) => ({ first: Math.min(a, b), last: Math.max(a, b) }));

function run(current: PairState, plan: ReturnType<typeof planBsdWrites>): PairState {
  let s = { ...current };
  for (const w of plan) s = { ...s, [w.end]: w.value };
  return s;
}

describe('planPairWrites (property: every intermediate state is safe)', () => {
  it('from an ordered (or one-port) pair to an ordered target: every intermediate pair is ordered, ≤ 2 writes', () => {
    fc.assert(
      fc.property(ordered, target, (current, t) => {
        const plan = planBsdWrites(current, t);
        expect(run(current, plan)).toEqual(t);
        expect(plan.length).toBeLessThanOrEqual(2);
        for (const s of intermediateStates(current, plan)) expect(pairStateKind(s)).toBe('ordered');
      }),
      { numRuns: 5000 },
    );
  });

  it('from any pair the kernel may hold (inverted too) to any pair (a restore): never a one-port intermediate', () => {
    fc.assert(
      fc.property(anyPair, anyPair, (current, t) => {
        const plan = planBsdWrites(current, t);
        expect(run(current, plan)).toEqual(t);
        for (const s of intermediateStates(current, plan)) expect(pairStateKind(s)).not.toBe('one-port');
        for (const w of plan) expect(w.value === t[w.end] || (w.value >= 1024 && w.value <= 65535)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('from an inverted pair, an ordered path through a bound is taken whenever one exists', () => {
    fc.assert(
      fc.property(anyPair, target, (current, t) => {
        const plan = planBsdWrites(current, t);
        const viaMin = current.last > 1024; // first := 1024 keeps (1024, last) ordered
        const viaMax = current.first < 65535; // last := 65535 keeps (first, 65535) ordered
        if (viaMin || viaMax) {
          for (const s of intermediateStates(current, plan)) expect(pairStateKind(s)).toBe('ordered');
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('per-end bounds (AIX-like limits) are respected by the extra steps', () => {
    const bounds: PairBounds = { first: { min: 1024, max: 65534 }, last: { min: 32769, max: 65535 } };
    const t = fc
      .tuple(fc.integer({ min: 1024, max: 65534 }), fc.integer({ min: 32769, max: 65535 }))
      .filter(([a, b]) => a < b)
      .map(([first, last]) => ({ first, last }));
    fc.assert(
      fc.property(t, t, (current, next) => {
        const plan = planPairWrites(current, next, bounds);
        for (const w of plan) expect(w.value).toBeGreaterThanOrEqual(bounds[w.end].min);
        for (const s of intermediateStates(current, plan)) expect(pairStateKind(s)).toBe('ordered');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('planPairWrites (examples: widen first, then narrow)', () => {
  const ends = (c: PairState, t: PairState) => planBsdWrites(c, t).map((w) => w.end);

  it('writes nothing for an unchanged pair and only the end that differs', () => {
    expect(ends({ first: 10000, last: 65535 }, { first: 10000, last: 65535 })).toEqual([]);
    expect(ends({ first: 10000, last: 65535 }, { first: 20000, last: 65535 })).toEqual(['first']);
    expect(ends({ first: 10000, last: 65535 }, { first: 10000, last: 30000 })).toEqual(['last']);
  });

  it('moving up writes last first; moving down writes first first (the pair widens, then narrows)', () => {
    expect(ends({ first: 2000, last: 3000 }, { first: 40000, last: 41000 })).toEqual(['last', 'first']);
    expect(ends({ first: 40000, last: 41000 }, { first: 2000, last: 3000 })).toEqual(['first', 'last']);
  });

  it('never passes through one port: from 40000-40001 to 40001-50000 the last end moves first', () => {
    // first-first would show 40001-40001: FreeBSD's in_pcb_lport_dest() divides by last - first.
    expect(ends({ first: 40000, last: 40001 }, { first: 40001, last: 50000 })).toEqual(['last', 'first']);
    expect(ends({ first: 40000, last: 40001 }, { first: 30000, last: 40000 })).toEqual(['first', 'last']);
  });

  it('from a swapped kernel pair with no direct ordered path, goes through a bound (3 writes)', () => {
    const from = { first: 60000, last: 50000 };
    const plan = planBsdWrites(from, { first: 55000, last: 55010 });
    expect(plan).toEqual([
      { end: 'first', value: 1024 },
      { end: 'last', value: 55010 },
      { end: 'first', value: 55000 },
    ]);
    expect(intermediateStates(from, plan)).toEqual([
      { first: 1024, last: 50000 },
      { first: 1024, last: 55010 },
    ]);
  });

  it('from the fully inverted 65535/1024 the only way is through an inverted pair, never one port', () => {
    const plan = planBsdWrites({ first: 65535, last: 1024 }, { first: 1025, last: 1026 });
    expect(intermediateStates({ first: 65535, last: 1024 }, plan).map(pairStateKind)).toEqual(['inverted']);
  });

  it('endOrder lists each end once, by its last write (for a config file read top to bottom)', () => {
    expect(endOrder([{ end: 'last', value: 2 }, { end: 'first', value: 1 }])).toEqual(['last', 'first']);
    expect(endOrder([{ end: 'first', value: 1 }])).toEqual(['last', 'first']);
    expect(endOrder([{ end: 'last', value: 9 }, { end: 'first', value: 1 }, { end: 'last', value: 2 }])).toEqual(['first', 'last']);
    expect(BSD_PAIR_BOUNDS.first).toEqual({ min: 1024, max: 65535 });
  });
});
