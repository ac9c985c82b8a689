/**
 * Warnings of the lock layer (e.g. lock names squatted by another user), for whoever listens; without a listener they
 * go to `NODE_DEBUG=ephemeral-ports`. Never thrown: a lock problem must not make a port search fail. The call that
 * took the lock also claims them ({@link takeLockNotices}) into its own result: `warnings` of getFreePort, get-port's
 * `onWarning`.
 */
import { debug } from './debug.js';

export interface LockNotice {
  /** `LOCK_NAMES_SQUATTED`: shared lock names held by other users' sockets; `LOCK_SECRET_UNTRUSTED`: see message. */
  readonly code: 'LOCK_NAMES_SQUATTED' | 'LOCK_SECRET_UNTRUSTED';
  readonly message: string;
}

const listeners = new Set<(notice: LockNotice) => void>();
/** Emitted but not yet claimed by a call's result; each notice is emitted once per streak, so this stays tiny. */
let unclaimed: LockNotice[] = [];
const MAX_UNCLAIMED = 8;

/** Subscribes to lock notices; returns the unsubscribe function. */
export function onLockNotice(listener: (notice: LockNotice) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function emitLockNotice(notice: LockNotice): void {
  if (unclaimed.length < MAX_UNCLAIMED) unclaimed.push(notice);
  if (listeners.size === 0) {
    debug('%s: %s', notice.code, notice.message);
    return;
  }
  for (const listener of listeners) listener(notice);
}

/** The notices emitted since the last claim (usually none), for the result of the call that took a lock. */
export function takeLockNotices(): LockNotice[] {
  if (unclaimed.length === 0) return unclaimed;
  const taken = unclaimed;
  unclaimed = [];
  return taken;
}
