/**
 * Capacity math for outgoing connections. Pure functions; every formula is stated where it is computed.
 *
 * A connect() needs a local port whose 4-tuple (source address, source port, destination address, destination
 * port) is unused. Towards ONE destination (address, port) from ONE source address, each local port therefore
 * carries at most one connection, so the ceiling is the number of ports the kernel may pick:
 *
 *   usable = |range − reserved − bound|
 *
 * where `reserved` are ports automatic selection skips (Linux ip_local_reserved_ports, Windows excluded ranges) and
 * `bound` are ports held by bind()/listen() users inside the range (Linux skips those at connect(); a listener
 * whose port lies inside the range costs one port). Different destinations multiply the ceiling: each
 * (address, port) pair has its own `usable` ports.
 *
 * Linux detail (__inet_hash_connect): the scan covers `remaining = N` ports when the range size N is even, but
 * N − 1 when N is odd (rounded down to even): each call then misses either the lowest or the highest port of the
 * range, depending on its random offset. So with odd N and both ends usable, one port is not guaranteed.
 */
import { checkFiniteNumber, checkInteger, checkObject, checkOneOf, invalidArgType, invalidArgValue } from '../errors.js';
import { type PortRange, PortSet, checkRange, rangeSize } from '../range.js';

/** TCP_TIMEWAIT_LEN on Linux: 60 s, fixed at compile time (include/net/tcp.h). */
export const LINUX_TIME_WAIT_SECONDS = 60;

export interface ConnectionCapacityInput {
  /** The ephemeral range. */
  range: PortRange;
  /** Ports automatic selection never picks. */
  reserved?: PortSet;
  /** Ports held by bind()/listen() users (e.g. a listener inside the range). */
  bound?: PortSet;
  /** Which kernel's scan to account for; 'generic' assumes every usable port is reachable. Default 'linux'. */
  model?: 'linux' | 'generic';
}

export interface ConnectionCapacity {
  /** Size of the range, N. */
  rangePorts: number;
  /** |range − reserved − bound|: the most concurrent connections to one destination from one source address. */
  usablePorts: number;
  /** How many connects always succeed (Linux, odd N: one port fewer when both range ends are usable). */
  guaranteed: number;
}

/** Concurrent connections to one (address, port) from one source address. See the module comment. */
export function connectionCapacity(input: ConnectionCapacityInput): ConnectionCapacity {
  checkObject('input', input);
  const range = checkRange(input.range);
  const reserved = checkSet(input.reserved, 'reserved');
  const bound = checkSet(input.bound, 'bound');
  const model = input.model ?? 'linux';
  checkOneOf('model', model, ['linux', 'generic'] as const);
  const usableSet = PortSet.of(range).subtract(reserved).subtract(bound);
  const usablePorts = usableSet.size;
  const n = rangeSize(range);
  const endsUsable = usableSet.has(range.low) && usableSet.has(range.high);
  const oneMissed = model === 'linux' && n > 1 && n % 2 === 1 && endsUsable;
  return { rangePorts: n, usablePorts, guaranteed: usablePorts - (oneMissed ? 1 : 0) };
}

export interface RateInput {
  /** Concurrent-connection capacity (usually `connectionCapacity(...).usablePorts`). */
  capacity: number;
  /** Seconds a closed connection keeps its 4-tuple in TIME_WAIT (on the side that closes first). Default 60. */
  timeWaitSeconds?: number;
  /** Mean seconds a connection stays open before it is closed. Default 0 (short requests). */
  connectionSeconds?: number;
}

/**
 * Sustainable new connections per second to one destination: by Little's law, ports occupied = rate × time each
 * port stays taken, so  rate_max = capacity / (connectionSeconds + timeWaitSeconds).
 * With the defaults that is capacity / 60 s: 28 232 ports (Linux's default range) → about 470 connections/s.
 * Assumes the client closes first (it holds TIME_WAIT) and tcp_tw_reuse does not recycle the tuples.
 */
export function sustainableConnectionRate(input: RateInput): number {
  const { capacity, hold } = checkRateInput(input);
  return capacity / hold;
}

export interface ExhaustionInput extends RateInput {
  /** New connections per second. */
  rate: number;
  /** Ports already taken when the rate starts (assumed to stay taken). Default 0. */
  inUse?: number;
}

/**
 * Seconds until connect() fails at a steady `rate`, with `inUse` ports already taken (and staying taken), so
 * free = capacity − inUse. Each new connection holds its port for hold = connectionSeconds + timeWaitSeconds.
 * Until `hold` seconds have passed nothing comes back, so the free ports are gone at t = free / rate — if that
 * is before `hold`. Otherwise ports return as fast as they are taken (occupancy levels off at rate × hold ≤ free)
 * and the answer is Infinity. Equivalently: finite iff rate > free / hold. Returns 0 when nothing is free.
 */
export function timeToExhaustion(input: ExhaustionInput): number {
  const { capacity, hold } = checkRateInput(input);
  const rate = input.rate;
  checkFiniteNumber('rate', rate, 0);
  const inUse = input.inUse ?? 0;
  checkInteger('inUse', inUse, 0, Number.MAX_SAFE_INTEGER);
  const free = capacity - inUse;
  if (free <= 0) return 0;
  if (rate === 0) return Infinity;
  const drainTime = free / rate;
  return drainTime < hold ? drainTime : Infinity;
}

function checkRateInput(input: RateInput): { capacity: number; hold: number } {
  checkObject('input', input);
  const { capacity } = input;
  checkInteger('capacity', capacity, 0, Number.MAX_SAFE_INTEGER);
  const tw = input.timeWaitSeconds ?? LINUX_TIME_WAIT_SECONDS;
  const open = input.connectionSeconds ?? 0;
  checkFiniteNumber('timeWaitSeconds', tw, 0);
  checkFiniteNumber('connectionSeconds', open, 0);
  const hold = tw + open;
  if (hold <= 0) {
    throw invalidArgValue(
      'timeWaitSeconds',
      tw,
      'plus connectionSeconds must be above 0; with no hold time the rate is unbounded',
    );
  }
  return { capacity, hold };
}

function checkSet(value: unknown, name: string): PortSet {
  if (value === undefined) return PortSet.EMPTY;
  if (!(value instanceof PortSet)) throw invalidArgType(name, 'a PortSet', value);
  return value;
}
