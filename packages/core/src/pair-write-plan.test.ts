import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PairBounds, type PairEnd, type PairState, type PairWrite, intermediateStates, pairStateKind, planPairWrites } from './pair-write-plan.js';

const COST = { ordered: 0, inverted: 100, 'one-port': 10_000 } as const;
const ENDS: PairEnd[] = ['first', 'last'];

/**
 * The plan by definition: every sequence of up to three writes of the candidate values that reaches the target,
 * the cheapest (intermediate states' costs plus one per write), the first in depth-first order among equals.
 */
function exhaustivePlan(current: PairState, target: PairState, bounds: PairBounds): PairWrite[] {
  if (current.first === target.first && current.last === target.last) return [];
  const candidates = (end: PairEnd) =>
    [...new Set([target[end], target.first, target.last, bounds[end].min, bounds[end].max])].filter(
      (v) => v === target[end] || (v >= bounds[end].min && v <= bounds[end].max),
    );
  const cost = (plan: PairWrite[]) => intermediateStates(current, plan).reduce((sum, s) => sum + COST[pairStateKind(s)], 0) + plan.length;
  let best: { plan: PairWrite[]; cost: number } | undefined;
  const search = (state: PairState, plan: PairWrite[]): void => {
    if (state.first === target.first && state.last === target.last) {
      if (!best || cost(plan) < best.cost) best = { plan, cost: cost(plan) };
      return;
    }
    if (plan.length === 3) return;
    for (const end of ENDS) for (const value of candidates(end)) if (value !== state[end]) search({ ...state, [end]: value }, [...plan, { end, value }]);
  };
  search(current, []);
  return best!.plan;
}

const BSD: PairBounds = { first: { min: 1024, max: 65535 }, last: { min: 1024, max: 65535 } };
const AIX: PairBounds = { first: { min: 1024, max: 65535 }, last: { min: 32769, max: 65535 } };

describe('planPairWrites', () => {
  it('is the cheapest plan of the exhaustive search, for any pair (ordered, one-port or inverted) and bounds', () => {
    // Uniform ports would almost never give one-port pairs, shared values or values on the bounds: mix those in.
    const edge = fc.constantFrom(1024, 1025, 32768, 32769, 40000, 65534, 65535);
    const port = fc.oneof(edge, fc.integer({ min: 1024, max: 65535 }));
    const pair = fc.record({ first: port, last: port });
    const cases = fc.oneof(
      fc.tuple(pair, pair),
      // The target shares values with the current pair (swapped, one end kept, one-port on either end).
      pair.chain((c) => fc.tuple(fc.constant(c), fc.constantFrom({ first: c.last, last: c.first }, { first: c.first, last: c.first }, { first: c.last, last: c.last }))),
      pair.chain((c) => fc.tuple(fc.constant(c), fc.record({ first: fc.constant(c.first), last: port }))),
    );
    fc.assert(
      fc.property(cases, fc.constantFrom(BSD, AIX), ([current, target], bounds) => {
        expect(planPairWrites(current, target, bounds)).toEqual(exhaustivePlan(current, target, bounds));
      }),
      { numRuns: 5000 },
    );
  });

  it('widens first, then narrows, in two writes with no unsafe state between them', () => {
    expect(planPairWrites({ first: 40000, last: 50000 }, { first: 55000, last: 60000 }, BSD)).toEqual([
      { end: 'last', value: 60000 },
      { end: 'first', value: 55000 },
    ]);
    expect(planPairWrites({ first: 40000, last: 50000 }, { first: 30000, last: 35000 }, BSD)).toEqual([
      { end: 'first', value: 30000 },
      { end: 'last', value: 35000 },
    ]);
  });
});
