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
    const port = fc.integer({ min: 1024, max: 65535 });
    const pair = fc.record({ first: port, last: port });
    fc.assert(
      fc.property(pair, pair, fc.constantFrom(BSD, AIX), (current, target, bounds) => {
        expect(planPairWrites(current, target, bounds)).toEqual(exhaustivePlan(current, target, bounds));
      }),
      { numRuns: 3000 },
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
