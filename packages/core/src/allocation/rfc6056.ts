/**
 * RFC 6056 ("Recommendations for Transport-Protocol Port Randomization", BCP 156) §3.3 algorithms 1–5 as
 * deterministic simulators. Each follows the RFC's pseudo-code: num_ephemeral = max − min + 1, and a
 * `count = num_ephemeral` loop that checks one candidate per turn with check_suitable_port() — here "not
 * reserved and not in use". A null result means no suitable port was found (the RFC's ERROR).
 *
 * Algorithms 1, 3 and 4 visit every port exactly once per call, so null means truly exhausted. Algorithms 2 and 5
 * draw candidates at random, so the RFC's loop can give up while ports are still free (the RFC says so for
 * Algorithm 2); by default these two finish with one linear sweep so that null means exhausted — pass
 * `verbatim: true` for the pseudo-code's exact behaviour.
 */
import { invalidArgType, outOfRange } from '../errors.js';
import { type PortRange, PortSet } from '../range.js';
import { type ConnectionKey, type KeyedHash, defaultKeyedHash } from './hashing.js';
import { Xoshiro128, randomSeed } from './prng.js';
import { type InUsePredicate, type PortSelector, type SelectorOptions, assertPositiveInteger, checkSelectorOptions } from './selector.js';

export interface HashedSelectorOptions extends SelectorOptions {
  /** F (and G for Algorithm 4). Default: {@link defaultKeyedHash}. */
  hash?: KeyedHash;
  /** secret_key of F. Default: drawn from the seed. */
  secret?: number;
}

export interface Algorithm4Options extends HashedSelectorOptions {
  /** secret_key2 of G. Default: drawn from the seed. */
  secret2?: number;
  /** TABLE_LENGTH; the RFC suggests 10. */
  tableLength?: number;
}

export interface RandomDrawOptions extends SelectorOptions {
  /** Stop after num_ephemeral random draws like the RFC pseudo-code, even if ports are still free. Default false. */
  verbatim?: boolean;
}

export interface Algorithm5Options extends RandomDrawOptions {
  /** N, the largest increment; the RFC uses 500. Smaller N = more sequential, larger = more random. */
  increment?: number;
}

const noKey: ConnectionKey = {};

/** Common state: range, suitability check and the seeded generator. */
abstract class Rfc6056Selector implements PortSelector {
  abstract readonly name: string;
  protected readonly min: number;
  protected readonly max: number;
  protected readonly numEphemeral: number;
  protected readonly rng: Xoshiro128;
  private readonly reserved: PortSet;
  private readonly inUse: InUsePredicate | undefined;

  constructor(options: SelectorOptions) {
    const checked = checkSelectorOptions(options);
    this.min = checked.range.low;
    this.max = checked.range.high;
    this.numEphemeral = checked.range.high - checked.range.low + 1;
    this.reserved = checked.reserved;
    this.inUse = checked.inUse;
    this.rng = new Xoshiro128(checked.seed ?? randomSeed());
  }

  get range(): PortRange {
    return { low: this.min, high: this.max };
  }

  abstract select(key?: ConnectionKey): number | null;

  /** check_suitable_port(): not reserved and not in use. */
  protected suitable(port: number, key: ConnectionKey): boolean {
    if (!this.reserved.isEmpty && this.reserved.has(port)) return false;
    return this.inUse === undefined || !this.inUse(port, key);
  }

  /** random() % n, as the RFC writes it (the bias is irrelevant for n ≤ 65536 and 32-bit draws). */
  protected randomBelow(n: number): number {
    return this.rng.next() % n;
  }

  /** One pass over every port starting after `from` — the fallback that makes null mean "exhausted". */
  protected sweepFrom(from: number, key: ConnectionKey): number | null {
    let port = from;
    for (let count = this.numEphemeral; count > 0; count--) {
      port = port >= this.max ? this.min : port + 1;
      if (this.suitable(port, key)) return port;
    }
    return null;
  }
}

/** §3.3.1 Algorithm 1, Simple Port Randomization: random start, then a linear search. */
export class Rfc6056Algorithm1 extends Rfc6056Selector {
  readonly name = 'rfc6056-1';

  select(key: ConnectionKey = noKey): number | null {
    let next = this.min + this.randomBelow(this.numEphemeral);
    for (let count = this.numEphemeral; count > 0; count--) {
      if (this.suitable(next, key)) return next;
      next = next === this.max ? this.min : next + 1;
    }
    return null;
  }
}

/** §3.3.2 Algorithm 2, Another Simple Port Randomization: a fresh random port on every attempt. */
export class Rfc6056Algorithm2 extends Rfc6056Selector {
  readonly name = 'rfc6056-2';
  private readonly verbatim: boolean;

  constructor(options: RandomDrawOptions) {
    super(options);
    this.verbatim = options.verbatim ?? false;
  }

  select(key: ConnectionKey = noKey): number | null {
    let next = this.min + this.randomBelow(this.numEphemeral);
    for (let count = this.numEphemeral; count > 0; count--) {
      if (this.suitable(next, key)) return next;
      if (count > 1) next = this.min + this.randomBelow(this.numEphemeral);
    }
    return this.verbatim ? null : this.sweepFrom(next, key);
  }
}

/** §3.3.3 Algorithm 3, Simple Hash-Based: offset = F(local, remote, rport, secret) plus a global counter. */
export class Rfc6056Algorithm3 extends Rfc6056Selector {
  readonly name = 'rfc6056-3';
  private readonly hash: KeyedHash;
  private readonly secret: number;
  /** next_ephemeral; the RFC initialises it at boot ("could be random"). */
  private next: number;

  constructor(options: HashedSelectorOptions) {
    super(options);
    this.hash = options.hash ?? defaultKeyedHash;
    this.secret = options.secret ?? this.rng.next();
    this.next = this.rng.next() & 0xffff;
  }

  select(key: ConnectionKey = noKey): number | null {
    const offset = this.hash(key, this.secret) >>> 0;
    for (let count = this.numEphemeral; count > 0; count--) {
      const port = this.min + ((this.next + offset) % this.numEphemeral);
      this.next = (this.next + 1) >>> 0;
      if (this.suitable(port, key)) return port;
    }
    return null;
  }
}

/** §3.3.4 Algorithm 4, Double-Hash: the counter becomes table[G(...)], one of TABLE_LENGTH 16-bit counters. */
export class Rfc6056Algorithm4 extends Rfc6056Selector {
  readonly name = 'rfc6056-4';
  private readonly hash: KeyedHash;
  private readonly secret: number;
  private readonly secret2: number;
  /** "short integers" in the RFC: the counters wrap at 2^16. */
  private readonly table: Uint16Array;

  constructor(options: Algorithm4Options) {
    super(options);
    const length = options.tableLength ?? 10;
    assertPositiveInteger(length, 'tableLength', 1 << 24);
    this.hash = options.hash ?? defaultKeyedHash;
    this.secret = options.secret ?? this.rng.next();
    this.secret2 = options.secret2 ?? this.rng.next();
    this.table = new Uint16Array(length);
    for (let i = 0; i < length; i++) this.table[i] = this.rng.next() % 65536;
  }

  select(key: ConnectionKey = noKey): number | null {
    const offset = this.hash(key, this.secret) >>> 0;
    const index = (this.hash(key, this.secret2) >>> 0) % this.table.length;
    for (let count = this.numEphemeral; count > 0; count--) {
      const port = this.min + ((offset + this.table[index]!) % this.numEphemeral);
      this.table[index]! += 1;
      if (this.suitable(port, key)) return port;
    }
    return null;
  }
}

/** §3.3.5 Algorithm 5, Random-Increments: next_ephemeral += random() % N + 1. */
export class Rfc6056Algorithm5 extends Rfc6056Selector {
  readonly name = 'rfc6056-5';
  private readonly increment: number;
  private readonly verbatim: boolean;
  private next: number;

  constructor(options: Algorithm5Options) {
    super(options);
    const n = options.increment ?? 500;
    assertPositiveInteger(n, 'increment', 65_536);
    this.increment = n;
    this.verbatim = options.verbatim ?? false;
    this.next = this.rng.next() % 65536;
  }

  select(key: ConnectionKey = noKey): number | null {
    let port = this.min;
    for (let count = this.numEphemeral; count > 0; count--) {
      // Kept below 2^32 so the sum stays exact; the modulus makes the wrap point irrelevant to the port.
      this.next = (this.next + this.randomBelow(this.increment) + 1) % 0x1_0000_0000;
      port = this.min + (this.next % this.numEphemeral);
      if (this.suitable(port, key)) return port;
    }
    return this.verbatim ? null : this.sweepFrom(port, key);
  }
}

export type Rfc6056AlgorithmNumber = 1 | 2 | 3 | 4 | 5;

export type Rfc6056Options = Algorithm4Options & Algorithm5Options;

/** Builds the selector of RFC 6056 algorithm `n` (§3.3.n). */
export function createRfc6056Selector(n: Rfc6056AlgorithmNumber, options: Rfc6056Options): PortSelector {
  switch (n) {
    case 1:
      return new Rfc6056Algorithm1(options);
    case 2:
      return new Rfc6056Algorithm2(options);
    case 3:
      return new Rfc6056Algorithm3(options);
    case 4:
      return new Rfc6056Algorithm4(options);
    case 5:
      return new Rfc6056Algorithm5(options);
    default:
      throw typeof n === 'number'
        ? outOfRange('algorithm', 'an integer >= 1 && <= 5', n)
        : invalidArgType('algorithm', 'of type number', n);
  }
}
