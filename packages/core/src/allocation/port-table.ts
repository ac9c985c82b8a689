/**
 * The simulated kernel's table of local ports, shared by the Linux and FreeBSD models. A port is either owned by
 * bind()/listen() users (nobody else may pick it automatically) or by connect()ed sockets, which may share it as
 * long as each has its own 4-tuple. TIME_WAIT is not simulated: a caller that wants it releases later.
 */
import { EphemeralPortsError, ErrorCodes } from '../errors.js';
import { assertPort } from '../range.js';
import { type ConnectionKey, keyId } from './hashing.js';

interface Bucket {
  /** Sockets that called bind()/listen() on this port. */
  bound: number;
  /** 4-tuples (local address, remote address, remote port) of connect()ed sockets using this port. */
  tuples: Set<string>;
}

export class PortTable {
  private readonly buckets = new Map<number, Bucket>();

  /** True when bind()/listen() users own the port (Linux: tb->fastreuse >= 0). */
  isBound(port: number): boolean {
    return (this.buckets.get(port)?.bound ?? 0) > 0;
  }

  /** True when any socket uses the port. */
  isUsed(port: number): boolean {
    return this.buckets.has(port);
  }

  /** True when a connection with this key already uses `port` (the 4-tuple is taken). */
  hasConnection(port: number, key: ConnectionKey): boolean {
    return this.hasConnectionId(port, keyId(key));
  }

  /** Like hasConnection() with a precomputed {@link keyId}, for scans that test many ports for one key. */
  hasConnectionId(port: number, id: string): boolean {
    const b = this.buckets.get(port);
    return b !== undefined && b.tuples.size > 0 && b.tuples.has(id);
  }

  addBinding(port: number): void {
    assertPort(port);
    const b = this.buckets.get(port);
    if (b) b.bound++;
    else this.buckets.set(port, { bound: 1, tuples: new Set() });
  }

  addConnection(port: number, key: ConnectionKey): void {
    assertPort(port);
    const id = keyId(key);
    const b = this.buckets.get(port);
    if (b?.tuples.has(id)) {
      throw new EphemeralPortsError(ErrorCodes.INVALID_ARGUMENT, `4-tuple ${port}→${id} is already in use`);
    }
    if (b) b.tuples.add(id);
    else this.buckets.set(port, { bound: 0, tuples: new Set([id]) });
  }

  /** Closes one socket: the connection with `key`, or (without a key) one bind()/listen() user. */
  release(port: number, key?: ConnectionKey): boolean {
    const b = this.buckets.get(port);
    if (!b) return false;
    let removed: boolean;
    if (key === undefined) {
      removed = b.bound > 0;
      if (removed) b.bound--;
    } else {
      removed = b.tuples.delete(keyId(key));
    }
    if (b.bound === 0 && b.tuples.size === 0) this.buckets.delete(port);
    return removed;
  }

  /** Number of distinct local ports in use. */
  get portsInUse(): number {
    return this.buckets.size;
  }

  /** Number of sockets (bindings plus connections). */
  get sockets(): number {
    let n = 0;
    for (const b of this.buckets.values()) n += b.bound + b.tuples.size;
    return n;
  }
}
