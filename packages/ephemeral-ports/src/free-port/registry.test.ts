import { describe, expect, it } from 'vitest';
import type { HeldLock } from './port-lock.js';
import * as registry from './registry.js';

function fakeLock(port: number): HeldLock & { released: number } {
  return {
    port,
    released: 0,
    release() {
      this.released++;
    },
  };
}

describe('this process\'s locks', () => {
  it('a lease ends by itself after leaseMs (within one sweep); a hold stays until released', async () => {
    const lease = fakeLock(1);
    const hold = fakeLock(2);
    registry.own(lease, 'lease', 30);
    registry.own(hold, 'hold', 30);
    expect(registry.ownedPorts()).toEqual([{ port: 1, kind: 'lease' }, { port: 2, kind: 'hold' }]);
    await new Promise((r) => setTimeout(r, 30 + registry.LEASE_SWEEP_MS + 50));
    expect(lease.released).toBe(1);
    expect(registry.isOwned(1)).toBe(false);
    expect(registry.isOwned(2)).toBe(true);
    expect(registry.release(2)).toBe(true);
    expect(registry.release(2)).toBe(false);
    expect(hold.released).toBe(1);
  });

  it('releaseAll releases everything once', () => {
    const locks = [fakeLock(3), fakeLock(4)];
    registry.own(locks[0]!, 'lease', 60_000);
    registry.own(locks[1]!, 'hold', 0);
    expect(registry.releaseAll()).toBe(2);
    expect(locks.map((l) => l.released)).toEqual([1, 1]);
    expect(registry.ownedPorts()).toEqual([]);
  });
});
