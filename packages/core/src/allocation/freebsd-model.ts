/**
 * A model of FreeBSD's automatic port choice, in_pcb_lport_dest() (sys/netinet/in_pcb.c; platform-facts.md §4.6),
 * about RFC 6056 Algorithm 1:
 *
 *   first..last = net.inet.ip.portrange.first..last (swapped if first > last);
 *   if net.inet.ip.portrange.randomized: lastport = first + arc4random() % (last − first);
 *   count = last − first; loop { if (count-- < 0) EADDRNOTAVAIL; ++lastport, wrapping to first; check }.
 *
 * `lastport` is shared by every socket (one per pcbinfo), so with randomization off ports go out in sequence.
 * Since FreeBSD 13 a connect() port only has to be unique per 4-tuple; bind(0) needs a port nobody uses.
 * FreeBSD has no reserved-port list for automatic choice. Simplifications as in the Linux model: no TIME_WAIT,
 * no SO_REUSEADDR/SO_REUSEPORT sharing, the IP_PORTRANGE_HIGH/LOW ranges are not modelled.
 */
import { type PortRange, assertPort } from '../range.js';
import { type ConnectionKey, keyId } from './hashing.js';
import { PortTable } from './port-table.js';
import { Xoshiro128, randomSeed } from './prng.js';
import { type PortSelector, checkSelectorOptions } from './selector.js';

export interface FreeBsdModelOptions {
  /** net.inet.ip.portrange.first..last. */
  range: PortRange;
  /** net.inet.ip.portrange.randomized (default 1). */
  randomized?: boolean;
  seed?: number;
}

const noKey: ConnectionKey = {};

export class FreeBsdPortModel {
  readonly range: PortRange;
  readonly randomized: boolean;
  readonly table = new PortTable();
  private readonly rng: Xoshiro128;
  /** pcbinfo->ipi_lastport. */
  private lastPort: number;

  constructor(options: FreeBsdModelOptions) {
    const checked = checkSelectorOptions(options);
    this.range = checked.range;
    this.randomized = options.randomized ?? true;
    this.rng = new Xoshiro128(checked.seed ?? randomSeed());
    this.lastPort = checked.range.low;
  }

  /** Explicit bind(port)/listen: false (EADDRINUSE) when any socket already uses it. */
  bind(port: number): boolean {
    assertPort(port);
    if (this.table.isUsed(port)) return false;
    this.table.addBinding(port);
    return true;
  }

  /** connect() on an unbound socket: the chosen port, or null for EADDRNOTAVAIL. */
  connect(key: ConnectionKey = noKey): number | null {
    const id = keyId(key);
    const taken = this.table.portsOf(id);
    const port = this.scan((p) => !this.table.isBound(p) && !taken?.has(p));
    if (port !== null) this.table.addConnectionId(port, id);
    return port;
  }

  /** bind(0)/listen() autobind: the chosen port, or null when every port is used. */
  bindEphemeral(): number | null {
    const port = this.scan((p) => !this.table.isUsed(p));
    if (port !== null) this.table.addBinding(port);
    return port;
  }

  release(port: number, key?: ConnectionKey): boolean {
    return this.table.release(port, key);
  }

  connectSelector(): PortSelector {
    return { name: 'freebsd-connect', select: (key?: ConnectionKey) => this.connect(key) };
  }

  bindSelector(): PortSelector {
    return { name: 'freebsd-bind0', select: () => this.bindEphemeral() };
  }

  private scan(free: (port: number) => boolean): number | null {
    const first = this.range.low;
    const last = this.range.high;
    // The kernel divides by (last − first); a one-port range has nothing to randomize.
    if (this.randomized && last > first) this.lastPort = first + (this.rng.next() % (last - first));
    let count = last - first;
    for (;;) {
      if (count-- < 0) return null;
      ++this.lastPort;
      if (this.lastPort < first || this.lastPort > last) this.lastPort = first;
      if (free(this.lastPort)) return this.lastPort;
    }
  }
}
