/**
 * Owning processes of sockets: walks /proc/<pid>/fd and matches `socket:[inode]` links. Processes we may not
 * inspect (other users' without CAP_SYS_PTRACE/CAP_DAC_READ_SEARCH) are skipped, so their sockets stay without
 * an owner rather than failing the census.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { SocketEntry } from '@ephemeral-ports/core';

export interface Owner {
  pid: number;
  command: string;
}

/** Maps socket inodes to their first owning process. Synchronous on purpose: thousands of tiny procfs reads. */
export function findSocketOwners(inodes: ReadonlySet<number>, procRoot = '/proc'): Map<number, Owner> {
  const owners = new Map<number, Owner>();
  if (inodes.size === 0) return owners;
  let pids: string[];
  try {
    pids = readdirSync(procRoot).filter((name) => /^\d+$/.test(name));
  } catch {
    return owners;
  }
  for (const pidText of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`${procRoot}/${pidText}/fd`);
    } catch {
      continue; // exited or not permitted
    }
    let command: string | undefined;
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`${procRoot}/${pidText}/fd/${fd}`);
      } catch {
        continue;
      }
      if (!target.startsWith('socket:[')) continue;
      const inode = Number(target.slice(8, -1));
      if (!inodes.has(inode) || owners.has(inode)) continue;
      command ??= readCommand(procRoot, pidText);
      owners.set(inode, { pid: Number(pidText), command });
    }
    if (owners.size === inodes.size) break;
  }
  return owners;
}

function readCommand(procRoot: string, pid: string): string {
  try {
    return readFileSync(`${procRoot}/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Adds pid/command to every entry whose inode has a visible owner. TIME_WAIT sockets have inode 0: no owner. */
export function attachOwners(sockets: SocketEntry[], procRoot = '/proc'): void {
  const wanted = new Set<number>();
  for (const s of sockets) if (s.inode) wanted.add(s.inode);
  const owners = findSocketOwners(wanted, procRoot);
  for (const s of sockets) {
    const owner = s.inode ? owners.get(s.inode) : undefined;
    if (owner) {
      s.pid = owner.pid;
      s.command = owner.command;
    }
  }
}
