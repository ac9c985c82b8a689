/**
 * Planning ports for user space (free-port finders, test harnesses): which ports are candidates, in what order to
 * try them, and how to carve disjoint blocks of consecutive ports. Pure: nothing here touches a socket.
 *
 * The pool is `within` minus `avoid` minus the privileged ports (< `privilegedBelow`). Random order is a seeded
 * permutation (see IndexPermutation): every pool port exactly once, O(1) memory per step, reproducible by seed.
 */
import { EphemeralPortsError, ErrorCodes, checkInteger, checkObject, checkOneOf, invalidArgType } from '../errors.js';
import { MAX_PORT, type PortRange, PortSet, checkRange, portRange } from '../range.js';
import { IndexPermutation } from './permutation.js';
import { PortIndex } from './port-index.js';
import { Xoshiro128, assertSeed, randomSeed } from './prng.js';

export interface PlanOptions {
  /** Ports to draw from. Default 1024-65535. */
  within?: PortRange;
  /** Ports never to return (in use, reserved, the OS ephemeral range, ...). */
  avoid?: PortSet;
  /** Ports below this are skipped (they need privileges to bind). Default 1024; 0 allows every port. */
  privilegedBelow?: number;
  /** Seed of the random order; without it every call is differently random. */
  seed?: number;
  /** Default 'random'. */
  order?: 'random' | 'ascending';
}

export const DEFAULT_PLAN_WITHIN: PortRange = Object.freeze({ low: 1024, high: MAX_PORT });
export const DEFAULT_PRIVILEGED_BELOW = 1024;

interface ResolvedPlan {
  pool: PortSet;
  order: 'random' | 'ascending';
  seed: number;
}

function resolve(options: PlanOptions = {}): ResolvedPlan {
  checkObject('options', options);
  const within = options.within === undefined ? DEFAULT_PLAN_WITHIN : checkRange(options.within, 'within');
  const avoid = options.avoid ?? PortSet.EMPTY;
  if (!(avoid instanceof PortSet)) throw invalidArgType('avoid', 'a PortSet', avoid);
  const privilegedBelow = options.privilegedBelow ?? DEFAULT_PRIVILEGED_BELOW;
  checkInteger('privilegedBelow', privilegedBelow, 0, MAX_PORT + 1);
  const order = options.order ?? 'random';
  checkOneOf('order', order, ['random', 'ascending'] as const);
  if (options.seed !== undefined) assertSeed(options.seed);
  let pool = PortSet.of(within).subtract(avoid);
  if (privilegedBelow > 0) pool = pool.subtract({ low: 0, high: privilegedBelow - 1 });
  return { pool, order, seed: options.seed ?? randomSeed() };
}

/** The ports a plan may use: `within` minus `avoid` minus the privileged ports. */
export function candidatePool(options?: PlanOptions): PortSet {
  return resolve(options).pool;
}

/** Every pool port exactly once, in ascending order or a seeded random permutation. Lazy. */
export function* candidatePorts(options?: PlanOptions): Generator<number> {
  const { pool, order, seed } = resolve(options);
  if (order === 'ascending') {
    yield* pool.ports();
    return;
  }
  const index = new PortIndex(pool);
  const perm = new IndexPermutation(index.size, seed);
  for (let i = 0; i < index.size; i++) yield index.portAt(perm.at(i));
}

/**
 * `count` disjoint blocks of `blockSize` consecutive pool ports. Ascending order packs them from the lowest port;
 * random order picks among all the slots the pool can hold (each pool range cut into ⌊size / blockSize⌋ slots at
 * a random offset), so it finds `count` blocks whenever ascending would. Throws `ERR_EPHEMERAL_NO_FREE_PORT` when the pool
 * holds fewer than `count` blocks. Blocks come back sorted by `low` for 'ascending', in draw order for 'random'.
 */
export function planBlocks(blockSize: number, count: number, options?: PlanOptions): PortRange[] {
  checkInteger('blockSize', blockSize, 1, MAX_PORT + 1);
  checkInteger('count', count, 1, MAX_PORT + 1);
  const { pool, order, seed } = resolve(options);
  const rng = new Xoshiro128(seed);
  // Slots: [low of the first slot in a range, number of slots in it].
  const slots: Array<[number, number]> = [];
  let total = 0;
  for (const r of pool.ranges) {
    const size = r.high - r.low + 1;
    const n = Math.floor(size / blockSize);
    if (n === 0) continue;
    const slack = size - n * blockSize;
    const shift = order === 'random' && slack > 0 ? rng.below(slack + 1) : 0;
    slots.push([r.low + shift, n]);
    total += n;
  }
  if (total < count) {
    throw new EphemeralPortsError(
      ErrorCodes.NO_FREE_PORT,
      `only ${total} block(s) of ${blockSize} consecutive ports fit in ${pool.toString() || 'an empty pool'}; ${count} requested`,
      { remedy: 'ask for fewer or smaller blocks, or widen `within` / shrink `avoid`' },
    );
  }
  const blockAt = (slotIndex: number): PortRange => {
    let i = slotIndex;
    for (const [first, n] of slots) {
      if (i < n) {
        const low = first + i * blockSize;
        return portRange(low, low + blockSize - 1);
      }
      i -= n;
    }
    // Unreachable: slotIndex < total by construction.
    throw new RangeError(`slot ${slotIndex} out of ${total}`);
  };
  if (order === 'ascending') return Array.from({ length: count }, (_, i) => blockAt(i));
  const perm = new IndexPermutation(total, rng.next());
  return Array.from({ length: count }, (_, i) => blockAt(perm.at(i)));
}
