/**
 * The order (and, when needed, the extra step) in which to write the two ends of a port range that the kernel
 * keeps in two separate variables (FreeBSD's and macOS's `portrange.first`/`last`, AIX's `*_ephemeral_low`/`high`), so that no moment between two writes shows it a state it must not see:
 * - one port wide (`first == last`): FreeBSD's `in_pcb_lport_dest()` (sys/netinet/in_pcb.c) computes
 *   `first + arc4random() % (last - first)` when `net.inet.ip.portrange.randomized` is on, with no guard, so a
 *   connect() in that state divides by zero in the kernel;
 * - inverted (`first > last`): the BSD kernels swap such a pair when they pick a port, so it silently means a
 *   different (usually much wider) range; a kernel that does not swap sees an empty one.
 * The rule is "widen first, then narrow": the intermediate state holds both the old and the new range where one
 * write can do it. From an ordered state (`first <= last`) to an ordered target two writes always suffice and
 * every intermediate state is ordered and at least two ports wide. From a state the kernel already held inverted,
 * a third write through a bound (`min`/`max`) avoids an inverted intermediate where one exists; no plan ever
 * passes through a one-port state.
 */

export type PairEnd = 'first' | 'last';

/** A pair as the kernel stores it (possibly inverted). */
export interface PairState {
  first: number;
  last: number;
}

export interface PairWrite {
  end: PairEnd;
  value: number;
}

/** What each end accepts (FreeBSD / XNU: 1024..65535, the RANGECHK bounds; AIX: the `no -x` min/max). */
export type PairBounds = Readonly<Record<PairEnd, { readonly min: number; readonly max: number }>>;

export type PairStateKind = 'ordered' | 'one-port' | 'inverted';

export function pairStateKind(s: PairState): PairStateKind {
  return s.first < s.last ? 'ordered' : s.first === s.last ? 'one-port' : 'inverted';
}

// A one-port intermediate can crash a kernel; an inverted one only means the wrong range for a moment.
const COST: Readonly<Record<PairStateKind, number>> = { ordered: 0, inverted: 100, 'one-port': 10_000 };
const MAX_WRITES = 3;
const ENDS: readonly PairEnd[] = ['first', 'last'];

/** The states a plan passes through before its last write (the target itself is not counted). */
export function intermediateStates(current: PairState, plan: readonly PairWrite[]): PairState[] {
  const out: PairState[] = [];
  let state = { ...current };
  plan.forEach((w, i) => {
    state = { ...state, [w.end]: w.value };
    if (i < plan.length - 1) out.push(state);
  });
  return out;
}

/**
 * The writes that take `current` to `target`, cheapest first: fewest unsafe intermediate states, then fewest
 * writes, then `first` before `last`. Values stay within `bounds` (the target's own values are taken as given).
 * A depth-first search over at most three writes of a few candidate values; a branch stops as soon as it cannot
 * beat the best plan found (a plan costs at least one per write), so the usual case ends after two safe writes.
 */
export function planPairWrites(current: PairState, target: PairState, bounds: PairBounds): PairWrite[] {
  if (current.first === target.first && current.last === target.last) return [];
  const candidatesOf = (end: PairEnd): number[] =>
    [...new Set([target[end], target.first, target.last, bounds[end].min, bounds[end].max])].filter(
      (v) => v === target[end] || (v >= bounds[end].min && v <= bounds[end].max),
    );
  const candidates: Record<PairEnd, number[]> = { first: candidatesOf('first'), last: candidatesOf('last') };
  let best: { plan: PairWrite[]; cost: number } | undefined;
  /** `unsafe`: the cost of the intermediate states `plan` has passed through so far. */
  const search = (state: PairState, plan: PairWrite[], unsafe: number): void => {
    for (const end of ENDS) {
      for (const value of candidates[end]) {
        if (value === state[end]) continue;
        const next = { ...state, [end]: value };
        const writes = [...plan, { end, value }];
        if (next.first === target.first && next.last === target.last) {
          const cost = unsafe + writes.length;
          if (!best || cost < best.cost) best = { plan: writes, cost };
          continue;
        }
        if (writes.length === MAX_WRITES) continue;
        const passed = unsafe + COST[pairStateKind(next)];
        if (best && passed + writes.length + 1 >= best.cost) continue;
        search(next, writes, passed);
      }
    }
  };
  search(current, [], 0);
  return best!.plan; // two writes of the target's values always reach it
}

/** The ends in the order a one-write-per-end medium (a config file read top to bottom) should list them. */
export function endOrder(plan: readonly PairWrite[]): PairEnd[] {
  const lastWrite = (end: PairEnd) => plan.map((w) => w.end).lastIndexOf(end);
  return [...ENDS].sort((a, b) => lastWrite(a) - lastWrite(b));
}
