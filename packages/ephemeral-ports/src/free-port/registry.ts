/**
 * This process's share of the machine-wide locks (see port-lock.ts): which ports it holds (until released) or
 * leases (for a short time), so repeated calls in one process skip them without a syscall, and so they can be
 * released by port number. One per process, also when `import` and `require` load two copies of this code
 * (process-state.ts): `clearLockedPorts()` from either releases them all.
 */
import { processState } from '../process-state.js';
import type { HeldLock } from './port-lock.js';

/** Most leases kept at once per process; beyond it the oldest lease ends early (each lease costs one fd). */
export const MAX_LEASES = 4096;

/** Leases end in sweeps at most this far apart (one timer for all leases, not one per lease). */
export const LEASE_SWEEP_MS = 100;

interface Entry {
  lock: HeldLock;
  kind: 'hold' | 'lease';
  /** Lease end, ms since the epoch. */
  until?: number;
}

interface Registry {
  entries: Map<number, Entry>;
  /** How many entries are leases. */
  leases: number;
  sweeper: NodeJS.Timeout | undefined;
  sweepAt: number;
}

const registry = processState('port-registry', (): Registry => ({ entries: new Map(), leases: 0, sweeper: undefined, sweepAt: Infinity }));
const { entries } = registry;

/** Arms the single sweep timer for `until` (rounded up to the sweep granularity), unless one fires sooner. */
function armSweep(until: number): void {
  const at = Math.ceil(until / LEASE_SWEEP_MS) * LEASE_SWEEP_MS;
  if (registry.sweeper !== undefined && registry.sweepAt <= at) return;
  if (registry.sweeper !== undefined) clearTimeout(registry.sweeper);
  registry.sweepAt = at;
  registry.sweeper = setTimeout(sweep, Math.max(0, at - Date.now()));
  registry.sweeper.unref();
}

function sweep(): void {
  registry.sweeper = undefined;
  registry.sweepAt = Infinity;
  const now = Date.now();
  let next = Infinity;
  for (const [port, entry] of entries) {
    if (entry.until === undefined) continue;
    if (entry.until <= now) release(port);
    else next = Math.min(next, entry.until);
  }
  if (next !== Infinity) armSweep(next);
}

export function isOwned(port: number): boolean {
  return entries.has(port);
}

/** Records a lock taken by this process: held until released, or leased for `leaseMs` (ending in the next sweep). */
export function own(lock: HeldLock, kind: 'hold' | 'lease', leaseMs: number): void {
  const entry: Entry = { lock, kind };
  if (kind === 'lease') {
    if (registry.leases >= MAX_LEASES) endOldestLease();
    entry.until = Date.now() + leaseMs;
    armSweep(entry.until);
    registry.leases++;
  }
  entries.set(lock.port, entry);
}

function endOldestLease(): void {
  // Map iteration follows insertion order: the first lease found is the oldest.
  for (const [port, entry] of entries) {
    if (entry.kind === 'lease') {
      release(port);
      return;
    }
  }
}

/** Releases this process's lock of `port`. Returns false when it held none. */
export function release(port: number): boolean {
  const entry = entries.get(port);
  if (!entry) return false;
  entries.delete(port);
  if (entry.kind === 'lease') registry.leases--;
  entry.lock.release();
  return true;
}

/** Releases every lock of this process; returns how many. */
export function releaseAll(): number {
  const ports = [...entries.keys()];
  for (const port of ports) release(port);
  return ports.length;
}

/** Ports this process holds or leases, ascending. */
export function ownedPorts(): { port: number; kind: 'hold' | 'lease' }[] {
  return [...entries].map(([port, e]) => ({ port, kind: e.kind })).sort((a, b) => a.port - b.port);
}
