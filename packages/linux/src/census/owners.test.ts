import { describe, expect, it } from 'vitest';
import type { SocketEntry } from '@ephemeral-ports/core';
import { NO_OWNER, OWNER_COUNTS, type NativeOwners } from './native-census.js';
import { attachNativeOwners, processSockets } from './owners.js';

/** Owners as native/linux/census_owners.cc hands them over: counts in OWNER_COUNTS order per process. */
function owners(list: Array<{ pid: number; command: string; counts: [number, number, number, number] }>, recordOwner: number[]): NativeOwners {
  expect(OWNER_COUNTS.size).toBe(4);
  return {
    pids: Uint32Array.from(list.map((p) => p.pid)),
    commands: list.map((p) => p.command),
    counts: Uint32Array.from(list.flatMap((p) => p.counts)),
    recordOwner: Uint32Array.from(recordOwner),
  };
}

const socket = (localPort: number): SocketEntry => ({ protocol: 'tcp', family: 4, state: 'ESTABLISHED', localAddress: '127.0.0.1', localPort, remoteAddress: '127.0.0.1', remotePort: 1 });

describe('owners counted by the addon', () => {
  const native = owners(
    [
      { pid: 300, command: 'small', counts: [1, 0, 1, 0] },
      { pid: 100, command: 'big', counts: [4, 2, 1, 3] },
      { pid: 200, command: 'tie', counts: [1, 0, 0, 1] },
    ],
    [1, NO_OWNER, 0, 2, 1],
  );

  it('become one entry per process, most sockets first, then lowest pid', () => {
    expect(processSockets(native)).toEqual([
      { pid: 100, command: 'big', tcp: 4, udp: 2, listening: 1, established: 3 },
      { pid: 200, command: 'tie', tcp: 1, udp: 0, listening: 0, established: 1 },
      { pid: 300, command: 'small', tcp: 1, udp: 0, listening: 1, established: 0 },
    ]);
  });

  it('name the owner of each listed socket by its record, and none where the record has none', () => {
    const sockets = [0, 1, 2, 3, 4].map(socket);
    attachNativeOwners(sockets, native);
    expect(sockets.map((s) => [s.pid, s.command])).toEqual([[100, 'big'], [undefined, undefined], [300, 'small'], [200, 'tie'], [100, 'big']]);
  });

  it('map a subset (the bound sockets) to their records', () => {
    const bound = [socket(7), socket(8)];
    attachNativeOwners(bound, native, (i) => [3, 1][i]!);
    expect(bound.map((s) => s.pid)).toEqual([200, undefined]);
  });
});
