/**
 * The owning processes the addon found (census({ owners: true }), native/linux/census_owners.h): per-process
 * counts as a few small objects, and pid/command on the socket entries a caller asked for, without a JS walk of
 * /proc.
 */
import type { CensusAggregate, ProcessUsage, SocketEntry } from '@ephemeral-ports/core';
import { NO_OWNER, OWNER_COUNTS, type NativeOwners } from './native-census.js';

/** Sockets of one owning process (core's type). */
export type ProcessSockets = ProcessUsage;

/** A census aggregate with the per-process counts (`processes: true` on the Linux addon). */
export type AggregateWithProcesses = CensusAggregate;

/** One entry per owning process, most sockets first (then lowest pid). */
export function processSockets(owners: NativeOwners): ProcessSockets[] {
  const out: ProcessSockets[] = [];
  const c = owners.counts;
  for (let i = 0; i < owners.pids.length; i++) {
    const o = i * OWNER_COUNTS.size;
    out.push({
      pid: owners.pids[i]!,
      command: owners.commands[i] ?? '',
      tcp: c[o + OWNER_COUNTS.tcp]!,
      udp: c[o + OWNER_COUNTS.udp]!,
      listening: c[o + OWNER_COUNTS.listening]!,
      established: c[o + OWNER_COUNTS.established]!,
    });
  }
  return out.sort((a, b) => b.tcp + b.udp - (a.tcp + a.udp) || a.pid - b.pid);
}

/**
 * Sets pid/command on `sockets`, whose i-th entry is census record `recordOf(i)` (the identity for a decoded
 * record list).
 */
export function attachNativeOwners(sockets: SocketEntry[], owners: NativeOwners, recordOf: (i: number) => number = (i) => i): void {
  for (let i = 0; i < sockets.length; i++) {
    const owner = owners.recordOwner[recordOf(i)];
    if (owner === undefined || owner === NO_OWNER) continue;
    sockets[i]!.pid = owners.pids[owner]!;
    sockets[i]!.command = owners.commands[owner] ?? '';
  }
}
