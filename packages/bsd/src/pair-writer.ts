/**
 * Writes a `first`/`last` sysctl pair safely (platform-facts §1.3, §4.3, §5):
 * 1. read the current pair;
 * 2. write the ends in the order `planPairWrites` gives (widen first, then narrow), so no intermediate pair is one
 *    port wide (FreeBSD's in_pcb_lport_dest() divides by `last - first`) or inverted;
 * 3. read back after each write: FreeBSD and XNU clamp silently, so a different value is `ERR_EPHEMERAL_CLAMPED`
 *    (or `ERR_EPHEMERAL_READBACK_MISMATCH` when the kernel kept the old value);
 * 4. on any failure after the first change, restore the previous pair (same planning, read back) and throw
 *    `ERR_EPHEMERAL_ROLLED_BACK`, or `ERR_EPHEMERAL_ROLLBACK_FAILED` when the restore fails too; `cause` is the original failure.
 * A failure before anything changed is thrown as is (e.g. `EPERM`): nothing needs restoring.
 */
import { EphemeralPortsError, ErrorCodes, isEphemeralPortsError } from '@ephemeral-ports/core';
import { BSD_CLAMP, type BsdOs } from './sysctl-names.js';
import type { SysctlPair } from './port-ranges.js';
import type { SysctlPort } from './sysctl-port.js';
import { type PairBounds, type PairEnd, type PairWrite, planPairWrites } from '@ephemeral-ports/core';

export type { PairEnd } from '@ephemeral-ports/core';

export interface PairNames {
  first: string;
  last: string;
}

export interface PairChange {
  previous: SysctlPair;
  current: SysctlPair;
  /** The writes done, in order. */
  writes: PairEnd[];
}

/** RANGECHK's bounds for first/last on both kernels (IPPORT_RESERVED..IPPORT_MAX). */
export const BSD_PAIR_BOUNDS: PairBounds = Object.freeze({ first: BSD_CLAMP, last: BSD_CLAMP });

/** The writes from `current` to `target` within the BSD bounds (see core's pair-write-plan.ts). */
export function planBsdWrites(current: SysctlPair, target: SysctlPair): PairWrite[] {
  return planPairWrites(current, target, BSD_PAIR_BOUNDS);
}

const show = (p: SysctlPair) => `${p.first}-${p.last}`;

function readbackError(name: string, wanted: number, got: number, before: number): EphemeralPortsError {
  const clampedLike = Math.min(BSD_CLAMP.max, Math.max(BSD_CLAMP.min, wanted));
  if (got === before && got !== clampedLike) {
    return new EphemeralPortsError(
      ErrorCodes.READBACK_MISMATCH,
      `wrote ${wanted} to ${name} but the kernel kept ${got}`,
      { path: name },
    );
  }
  return new EphemeralPortsError(
    ErrorCodes.CLAMPED,
    `wrote ${wanted} to ${name} but the kernel stored ${got} (clamped silently)`,
    { path: name, remedy: 'Choose a range inside the bounds this kernel accepts.' },
  );
}

async function readPair(port: SysctlPort, names: PairNames): Promise<SysctlPair> {
  const [first, last] = await port.read([names.first, names.last]);
  return { first: first!, last: last! };
}

/** Runs `plan` in order, reading back each write; `done` collects the ends written before a failure. */
async function runPlan(
  port: SysctlPort,
  names: PairNames,
  plan: readonly PairWrite[],
  before: SysctlPair,
  done: PairEnd[],
): Promise<void> {
  for (const { end, value } of plan) {
    await port.write(names[end], value);
    done.push(end);
    const [got] = await port.read([names[end]]);
    if (got !== value) throw readbackError(names[end], value, got!, before[end]);
  }
}

export async function writeSysctlPair(
  os: BsdOs,
  port: SysctlPort,
  names: PairNames,
  target: SysctlPair,
): Promise<PairChange> {
  const previous = await readPair(port, names);
  const done: PairEnd[] = [];
  try {
    await runPlan(port, names, planBsdWrites(previous, target), previous, done);
    const current = await readPair(port, names);
    if (current.first !== target.first || current.last !== target.last) {
      throw new EphemeralPortsError(
        ErrorCodes.READBACK_MISMATCH,
        `wrote ${show(target)} to ${names.first}/${names.last} but read back ${show(current)}`,
      );
    }
    return { previous, current, writes: done };
  } catch (failure) {
    if (done.length === 0) throw failure;
    throw await rollBack(os, port, names, previous, target, failure);
  }
}

async function rollBack(
  os: BsdOs,
  port: SysctlPort,
  names: PairNames,
  previous: SysctlPair,
  target: SysctlPair,
  failure: unknown,
): Promise<EphemeralPortsError> {
  const why = isEphemeralPortsError(failure) ? `${failure.code}: ${failure.message}` : String(failure);
  const osFields = failure instanceof EphemeralPortsError
    ? {
        ...(failure.errno !== undefined ? { errno: failure.errno } : {}),
        ...(failure.syscall !== undefined ? { syscall: failure.syscall } : {}),
        ...(failure.path !== undefined ? { path: failure.path } : {}),
      }
    : {};
  try {
    const now = await readPair(port, names);
    await runPlan(port, names, planBsdWrites(now, previous), now, []);
    const restored = await readPair(port, names);
    if (restored.first !== previous.first || restored.last !== previous.last) {
      throw new EphemeralPortsError(ErrorCodes.READBACK_MISMATCH, `read back ${show(restored)} after restoring`);
    }
  } catch (restoreError) {
    const how = isEphemeralPortsError(restoreError)
      ? `${restoreError.code}: ${restoreError.message}`
      : String(restoreError);
    return new EphemeralPortsError(
      ErrorCodes.ROLLBACK_FAILED,
      `setting ${names.first}/${names.last} to ${show(target)} on ${os} failed (${why}) and restoring ` +
        `${show(previous)} failed too (${how}); the kernel may now hold a partial change`,
      {
        ...osFields,
        remedy: `Restore by hand as root: sysctl ${names.first}=${previous.first} ${names.last}=${previous.last}`,
        cause: failure,
      },
    );
  }
  return new EphemeralPortsError(
    ErrorCodes.ROLLED_BACK,
    `setting ${names.first}/${names.last} to ${show(target)} on ${os} failed (${why}); the previous range ` +
      `${show(previous)} was restored`,
    {
      ...osFields,
      ...(failure instanceof EphemeralPortsError && failure.remedy !== undefined ? { remedy: failure.remedy } : {}),
      cause: failure,
    },
  );
}
