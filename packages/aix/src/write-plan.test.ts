import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PairBounds, intermediateStates, pairStateKind, planPairWrites } from '@ephemeral-ports/core';

// Limits as `no -x` may report them: each bound with its own min/max (the exact AIX values are unverified, so the
// property runs over random limits too).
const limits = fc
  .tuple(fc.integer({ min: 1, max: 40000 }), fc.integer({ min: 41000, max: 65535 }))
  .map(([min, max]): PairBounds => ({ first: { min, max }, last: { min, max } }));

describe('AIX write plan (property over random (old, new) pairs and no -x limits)', () => {
  it('from an ordered pair to an ordered pair, every intermediate pair is ordered and within the limits', () => {
    fc.assert(
      fc.property(limits, fc.nat(), fc.nat(), fc.nat(), fc.nat(), (bounds, a, b, c, d) => {
        const span = bounds.first.max - bounds.first.min + 1;
        const at = (n: number) => bounds.first.min + (n % span);
        const [o1, o2, n1, n2] = [at(a), at(b), at(c), at(d)];
        if (n1 === n2) return;
        const old = { first: Math.min(o1, o2), last: Math.max(o1, o2) };
        const next = { first: Math.min(n1, n2), last: Math.max(n1, n2) };
        const plan = planPairWrites(old, next, bounds);
        expect(plan.length).toBeLessThanOrEqual(2);
        for (const s of intermediateStates(old, plan)) expect(pairStateKind(s)).toBe('ordered');
        for (const w of plan) {
          expect(w.value).toBeGreaterThanOrEqual(bounds[w.end].min);
          expect(w.value).toBeLessThanOrEqual(bounds[w.end].max);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('moving the range above the old high writes the high bound first', () => {
    const bounds: PairBounds = { first: { min: 1024, max: 65535 }, last: { min: 1024, max: 65535 } };
    expect(planPairWrites({ first: 32768, last: 40000 }, { first: 50000, last: 60001 }, bounds)).toEqual([
      { end: 'last', value: 60001 },
      { end: 'first', value: 50000 },
    ]);
  });
});
