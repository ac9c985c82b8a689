import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SocketEntry } from '@ephemeral-ports/core';
import { attachOwners, findSocketOwners } from './processes.js';

// A fake /proc: pid 100 (node) owns sockets 555 and 556, pid 200 (nginx) owns 777, pid 300 has no fd directory
// (exited, or not permitted), "self" is not a pid.
const root = mkdtempSync(join(tmpdir(), 'fake-proc-'));
function proc(pid: string, command: string, links: Record<string, string> | null) {
  mkdirSync(join(root, pid), { recursive: true });
  writeFileSync(join(root, pid, 'comm'), `${command}\n`);
  if (links === null) return;
  mkdirSync(join(root, pid, 'fd'));
  for (const [fd, target] of Object.entries(links)) symlinkSync(target, join(root, pid, 'fd', fd));
}
proc('100', 'node', { '0': '/dev/null', '3': 'socket:[555]', '4': 'socket:[556]', '5': 'pipe:[9]' });
proc('200', 'nginx', { '6': 'socket:[777]' });
proc('300', 'ghost', null);
mkdirSync(join(root, 'self'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const socket = (inode: number): SocketEntry => ({ protocol: 'tcp', family: 4, state: 'LISTEN', localAddress: '0.0.0.0', localPort: 1, remoteAddress: '0.0.0.0', remotePort: 0, inode });

describe('socket owners from /proc/<pid>/fd', () => {
  it('maps inodes to pid and command, skipping unreadable processes', () => {
    const owners = findSocketOwners(new Set([555, 777, 999]), root);
    expect(Object.fromEntries(owners)).toEqual({ 555: { pid: 100, command: 'node' }, 777: { pid: 200, command: 'nginx' } });
  });

  it('attaches owners to entries; inode 0 (TIME_WAIT) and unknown inodes stay without one', () => {
    const sockets = [socket(556), socket(0), socket(999)];
    attachOwners(sockets, root);
    expect(sockets.map((s) => [s.pid, s.command])).toEqual([[100, 'node'], [undefined, undefined], [undefined, undefined]]);
  });

  it('returns nothing for an empty request or a missing /proc', () => {
    expect(findSocketOwners(new Set(), root).size).toBe(0);
    expect(findSocketOwners(new Set([555]), join(root, 'missing')).size).toBe(0);
  });
});
