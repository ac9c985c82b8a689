import { describe, expect, it } from 'vitest';
import { closest, editDistance } from './suggest.js';

describe('editDistance (optimal string alignment)', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('usgae', 'usage')).toBe(1);
    expect(editDistance('protcol', 'protocol')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('closest', () => {
  const commands = ['defaults', 'doctor', 'emit', 'explain', 'get', 'set', 'usage', 'watch'];
  it('finds typos and unique prefixes, case-insensitively', () => {
    expect(closest('usgae', commands)).toBe('usage');
    expect(closest('EXPLIAN', commands)).toBe('explain');
    expect(closest('docter', commands)).toBe('doctor');
    expect(closest('expl', commands)).toBe('explain');
  });
  it('says nothing for a word that is not close to any', () => {
    expect(closest('frobnicate', commands)).toBeUndefined();
    expect(closest('d', commands)).toBeUndefined();
  });
});
