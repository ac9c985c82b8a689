/**
 * A model of Linux's automatic port choice (kernel 5.17+/6.x), line by line after the kernel sources
 * (platform-facts.md §3.7):
 *
 * connect() without bind — __inet_hash_connect() (net/ipv4/inet_hashtables.c), RFC 6056 Algorithm 4:
 *   high' = high + 1; remaining = high' − low, rounded down to even (if > 1);
 *   port_offset = 64-bit keyed hash of (saddr, daddr, dport); index = low bits & (table size − 1);
 *   offset = (table_perturb[index] + (port_offset >> 32)) mod remaining, rounded down to even;
 *   scan port = low + offset, step 2, wrapping by − remaining; skip reserved ports and bind()-owned ports; accept
 *   a port whose 4-tuple is unique. Nothing found → offset + 1 and scan the other parity. Still nothing →
 *   EADDRNOTAVAIL (null). On success table_perturb[index] += max(i, rand(0..7) × step) + step.
 *   With a per-socket IP_LOCAL_PORT_RANGE (6.8+): step 1, no rounding, one pass.
 *
 * bind(0)/listen() autobind — inet_csk_find_open_port() (net/ipv4/inet_connection_sock.c):
 *   remaining rounded down to even, offset = random mod remaining, then forced odd (the opposite of connect(),
 *   "to not pollute connect() users"); scan step 2, then offset − 1 for the even ports. With SO_REUSEADDR the
 *   lower half of the range is tried first, then the upper half. Exhaustion → EADDRINUSE (null).
 *
 * Simplifications: one network namespace, no l3mdev/VRF, no TIME_WAIT (release the port when it would expire),
 * and bind conflicts are "any socket already uses the port" (no SO_REUSEADDR/SO_REUSEPORT sharing or
 * ip_autobind_reuse). The 64-bit SipHash is replaced by two 32-bit keyed hashes (pluggable).
 */
import { checkInteger } from '../errors.js';
import { type PortRange, PortSet, assertPort, portRange } from '../range.js';
import { type ConnectionKey, type KeyedHash, defaultKeyedHash, keyId } from './hashing.js';
import { PortTable } from './port-table.js';
import { Xoshiro128, randomSeed } from './prng.js';
import { type PortSelector, checkSelectorOptions } from './selector.js';

export interface LinuxModelOptions {
  /** net.ipv4.ip_local_port_range. */
  range: PortRange;
  /** net.ipv4.ip_local_reserved_ports. */
  reserved?: PortSet;
  seed?: number;
  /** CONFIG_INET_TABLE_PERTURB_ORDER: table_perturb has 2^order counters. Default 16 (the kernel default). */
  tablePerturbOrder?: number;
  /** Stand-in for secure_ipv4_port_ephemeral(); called twice (low and high 32 bits) with two secrets. */
  hash?: KeyedHash;
  /** Boot-time secret of the port-offset hash. Default: drawn from the seed. */
  secret?: number;
}

export interface LinuxConnectOptions {
  /** Per-socket IP_LOCAL_PORT_RANGE (Linux 6.3+; step 1 at connect() since 6.8). Only narrows the range. */
  socketRange?: PortRange;
}

export interface LinuxBindOptions {
  /** SO_REUSEADDR: try the lower half of the range first, then the upper half. */
  reuseAddr?: boolean;
}

const noKey: ConnectionKey = {};

export class LinuxPortModel {
  readonly range: PortRange;
  readonly reserved: PortSet;
  /** Every socket of the simulated namespace, by local port. */
  readonly table = new PortTable();
  private readonly rng: Xoshiro128;
  private readonly hash: KeyedHash;
  private readonly secretLow: number;
  private readonly secretHigh: number;
  private readonly perturb: Uint32Array;
  /** ip_local_reserved_ports as the kernel keeps it: a 65536-bit map (one byte per port here). */
  private readonly reservedMap = new Uint8Array(65_536);

  constructor(options: LinuxModelOptions) {
    const checked = checkSelectorOptions(options);
    this.range = checked.range;
    this.reserved = checked.reserved;
    for (const r of this.reserved) this.reservedMap.fill(1, r.low, r.high + 1);
    const order = options.tablePerturbOrder ?? 16;
    assertPerturbOrder(order);
    this.rng = new Xoshiro128(checked.seed ?? randomSeed());
    this.hash = options.hash ?? defaultKeyedHash;
    this.secretLow = options.secret ?? this.rng.next();
    this.secretHigh = (this.secretLow ^ 0x5bd1e995) >>> 0;
    // get_random_sleepable_once(table_perturb, ...): random counters.
    this.perturb = new Uint32Array(2 ** order);
    for (let i = 0; i < this.perturb.length; i++) this.perturb[i] = this.rng.next();
  }

  private isReserved(port: number): boolean {
    return this.reservedMap[port] === 1;
  }

  /** Explicit bind(port) or listen on `port`: false (EADDRINUSE) when any socket already uses it. */
  bind(port: number): boolean {
    assertPort(port);
    if (this.table.isUsed(port)) return false;
    this.table.addBinding(port);
    return true;
  }

  /** connect() on an unbound socket: the chosen source port, or null for EADDRNOTAVAIL. */
  connect(key: ConnectionKey = noKey, options: LinuxConnectOptions = {}): number | null {
    let low = this.range.low;
    let high = this.range.high;
    const localPorts = options.socketRange !== undefined;
    if (options.socketRange) {
      // inet_sk_get_local_port_range(): each end applies only if it lies inside the netns range.
      const { low: sLow, high: sHigh } = portRange(options.socketRange.low, options.socketRange.high);
      if (low <= sLow && sLow <= high) low = sLow;
      if (low <= sHigh && sHigh <= high) high = sHigh;
    }
    const step = localPorts ? 1 : 2;
    high++;
    let remaining = high - low;
    if (!localPorts && remaining > 1) remaining &= ~1;

    const id = keyId(key);
    const taken = this.table.portsOf(id);
    const slot = this.hash(key, this.secretLow) & (this.perturb.length - 1);
    let offset = ((this.perturb[slot]! + (this.hash(key, this.secretHigh) >>> 0)) >>> 0) % remaining;
    if (!localPorts) offset &= ~1;

    for (;;) {
      let port = low + offset;
      for (let i = 0; i < remaining; i += step, port += step) {
        if (port >= high) port -= remaining;
        if (this.isReserved(port)) continue;
        if (this.table.isBound(port)) continue; // a bind() user owns it
        if (taken?.has(port)) continue; // check_established(): 4-tuple taken
        const bump = Math.max(i, (this.rng.next() % 8) * step);
        this.perturb[slot] = this.perturb[slot]! + bump + step;
        this.table.addConnectionId(port, id);
        return port;
      }
      if (localPorts) return null;
      offset++;
      if (!((offset & 1) && remaining > 1)) return null;
    }
  }

  /** bind(0) or listen() without bind: the chosen port, or null for EADDRINUSE. */
  bindEphemeral(options: LinuxBindOptions = {}): number | null {
    let attemptHalf = options.reuseAddr ? 1 : 0;
    for (;;) {
      let low = this.range.low;
      let high = this.range.high + 1;
      if (high - low < 4) attemptHalf = 0;
      if (attemptHalf) {
        const half = low + (((high - low) >> 2) << 1);
        if (attemptHalf === 1) high = half;
        else low = half;
      }
      let remaining = high - low;
      if (remaining > 1) remaining &= ~1;
      let offset = (this.rng.next() % remaining) | 1;
      for (;;) {
        let port = low + offset;
        for (let i = 0; i < remaining; i += 2, port += 2) {
          if (port >= high) port -= remaining;
          if (this.isReserved(port)) continue;
          if (this.table.isUsed(port)) continue;
          this.table.addBinding(port);
          return port;
        }
        offset--;
        if (offset & 1) break;
      }
      if (attemptHalf !== 1) return null;
      attemptHalf = 2;
    }
  }

  /** Closes a connection (`key`) or one bind()/listen() user (no key) on `port`. */
  release(port: number, key?: ConnectionKey): boolean {
    return this.table.release(port, key);
  }

  /** This model as a {@link PortSelector} whose select() is connect(). */
  connectSelector(): PortSelector {
    return { name: 'linux-connect', select: (key?: ConnectionKey) => this.connect(key) };
  }

  /** This model as a {@link PortSelector} whose select() is bind(0). */
  bindSelector(options: LinuxBindOptions = {}): PortSelector {
    return { name: 'linux-bind0', select: () => this.bindEphemeral(options) };
  }
}

function assertPerturbOrder(value: unknown): asserts value is number {
  checkInteger('tablePerturbOrder', value, 0, 20);
}
