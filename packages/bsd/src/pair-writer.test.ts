import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planWriteOrder } from './pair-writer.js';

const port = fc.integer({ min: 1024, max: 65535 });
const ordered = fc.tuple(port, port).map(([a, b]) => ({ first: Math.min(a, b), last: Math.max(a, b) }));

describe('planWriteOrder', () => {
  it('from an ordered pair to an ordered pair, every intermediate pair is ordered and the end is the target', () => {
    fc.assert(
      fc.property(ordered, ordered, (current, target) => {
        const state = { ...current };
        for (const end of planWriteOrder(current, target)) {
          state[end] = target[end];
          expect(state.first).toBeLessThanOrEqual(state.last);
        }
        expect(state).toEqual(target);
      }),
    );
  });

  it('writes nothing for an unchanged pair and only the end that differs', () => {
    expect(planWriteOrder({ first: 10000, last: 65535 }, { first: 10000, last: 65535 })).toEqual([]);
    expect(planWriteOrder({ first: 10000, last: 65535 }, { first: 20000, last: 65535 })).toEqual(['first']);
    expect(planWriteOrder({ first: 10000, last: 65535 }, { first: 10000, last: 30000 })).toEqual(['last']);
  });

  it('moving up writes last first; moving down writes first first', () => {
    expect(planWriteOrder({ first: 2000, last: 3000 }, { first: 40000, last: 41000 })).toEqual(['last', 'first']);
    expect(planWriteOrder({ first: 40000, last: 41000 }, { first: 2000, last: 3000 })).toEqual(['first', 'last']);
  });

  it('from a swapped kernel pair with no ordered path, writes first then last', () => {
    expect(planWriteOrder({ first: 60000, last: 50000 }, { first: 55000, last: 55010 })).toEqual(['first', 'last']);
  });
});
