/**
 * The simulated kernel's table of local ports, shared by the Linux and FreeBSD models. A port is either owned by
 * bind()/listen() users (nobody else may pick it automatically) or by connect()ed sockets, which may share it as
 * long as each has its own 4-tuple. TIME_WAIT is not simulated: a caller that wants it releases later.
 *
 * Per-port counters live in typed arrays and connections are indexed by key, because the models scan thousands
 * of ports per call when a range fills up (as the kernels do) and each probe must stay a few array reads.
 */
import { invalidArgValue } from '../errors.js';
import { MAX_PORT, assertPort } from '../range.js';
import { type ConnectionKey, keyId } from './hashing.js';

export class PortTable {
  /** Sockets that called bind()/listen() on each port. */
  private readonly bound = new Uint32Array(MAX_PORT + 1);
  /** All sockets (bindings + connections) on each port. */
  private readonly used = new Uint32Array(MAX_PORT + 1);
  /** Local ports used by the connections of each key (local address, remote address, remote port). */
  private readonly byKey = new Map<string, Set<number>>();
  private distinctPorts = 0;
  private socketCount = 0;

  /** True when bind()/listen() users own the port (Linux: tb->fastreuse >= 0). */
  isBound(port: number): boolean {
    return this.bound[port]! > 0;
  }

  /** True when any socket uses the port. */
  isUsed(port: number): boolean {
    return this.used[port]! > 0;
  }

  /** True when a connection with this key already uses `port` (the 4-tuple is taken). */
  hasConnection(port: number, key: ConnectionKey): boolean {
    return this.byKey.get(keyId(key))?.has(port) ?? false;
  }

  /** The local ports of one key's connections, for scans that test many ports for one key. */
  portsOf(id: string): ReadonlySet<number> | undefined {
    return this.byKey.get(id);
  }

  addBinding(port: number): void {
    assertPort(port);
    this.bound[port]!++;
    this.take(port);
  }

  addConnection(port: number, key: ConnectionKey): void {
    this.addConnectionId(port, keyId(key));
  }

  addConnectionId(port: number, id: string): void {
    assertPort(port);
    let ports = this.byKey.get(id);
    if (ports?.has(port)) {
      throw invalidArgValue('id', id, `names a 4-tuple already in use on port ${port}`);
    }
    if (!ports) this.byKey.set(id, (ports = new Set()));
    ports.add(port);
    this.take(port);
  }

  /** Closes one socket: the connection with `key`, or (without a key) one bind()/listen() user. */
  release(port: number, key?: ConnectionKey): boolean {
    if (!Number.isInteger(port) || port < 0 || port > MAX_PORT) return false;
    if (key === undefined) {
      if (this.bound[port] === 0) return false;
      this.bound[port]!--;
    } else {
      const id = keyId(key);
      const ports = this.byKey.get(id);
      if (!ports?.delete(port)) return false;
      if (ports.size === 0) this.byKey.delete(id);
    }
    this.socketCount--;
    if (--this.used[port]! === 0) this.distinctPorts--;
    return true;
  }

  /** Number of distinct local ports in use. */
  get portsInUse(): number {
    return this.distinctPorts;
  }

  /** Number of sockets (bindings plus connections). */
  get sockets(): number {
    return this.socketCount;
  }

  private take(port: number): void {
    if (this.used[port]!++ === 0) this.distinctPorts++;
    this.socketCount++;
  }
}
