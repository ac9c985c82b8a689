/**
 * "Did you mean": the closest known word by edit distance, counting a swap of two neighbouring letters as one
 * edit (optimal string alignment), since `usgae` for `usage` is the commonest typo. Only on the error path.
 */

/** Edit distance with insertions, deletions, substitutions and adjacent transpositions, each costing 1. */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The known word closest to `word`, if it is close enough to be a typo (at most a third of its letters, and at
 * least one edit allowed), or the one known word that `word` starts (`expl` → `explain`). Ties: the first.
 */
export function closest(word: string, known: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const limit = Math.max(1, Math.floor(lower.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(lower, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best !== undefined && bestDistance <= limit) return best;
  const prefixed = known.filter((k) => lower.length >= 2 && k.startsWith(lower));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
