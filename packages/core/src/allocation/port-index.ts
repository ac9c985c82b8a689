/**
 * Maps an index in [0, set.size) to the index-th smallest port of a PortSet in O(log ranges), so random orders
 * over a set never have to materialize its ports.
 */
import type { PortSet } from '../range.js';

export class PortIndex {
  readonly size: number;
  private readonly lows: number[];
  /** starts[k] = number of ports in ranges before k. */
  private readonly starts: number[];

  constructor(set: PortSet) {
    this.lows = [];
    this.starts = [];
    let total = 0;
    for (const r of set.ranges) {
      this.lows.push(r.low);
      this.starts.push(total);
      total += r.high - r.low + 1;
    }
    this.size = total;
  }

  portAt(index: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return this.lows[lo]! + (index - this.starts[lo]!);
  }
}
