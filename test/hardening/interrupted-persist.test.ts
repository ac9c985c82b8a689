/**
 * `set --persist` killed (SIGKILL) at every step leaves either the old state, the new state, or the new
 * configuration with the old live value (written and synced first, so the next boot and the next run both
 * complete the change); never a changed live range that the configuration does not hold. The next run completes
 * the change and removes the temporary file the killed run left.
 */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { NETNS_REQUIREMENT, ROOT_DIR, UNSHARE, canUseNetns } from '../helpers/netns.js';

const OLD = { live: '32768 60999', file: 'net.ipv4.ip_local_port_range = 32768 60999\n' };
const NEW_LIVE = '40000 50001';
const NEW_FILE = 'net.ipv4.ip_local_port_range = 40000 50001\n';

interface Run {
  afterCrash: { signal: string | null; status: number | null; stderr: string; live: string; file: string; entries: string[] };
  afterRerun: { status: number | null; stderr: string; live: string; file: string; entries: string[] };
}

function runKilledAt(step: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      UNSHARE,
      ['-n', '-m', '--propagation', 'private', process.execPath, '--import', 'tsx', 'test/hardening/fixtures/interrupted-set.mts', step],
      { cwd: ROOT_DIR, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as Run);
      },
    );
  });
}

// In the order the steps happen: proving the live value writable (it writes the value it has), the temporary
// file's creation, its content, its fsync, the rename; then the live write of the new range.
const STEPS: ReadonlyArray<readonly [string, 'old' | 'new-file' | 'new']> = [
  ['live-before-write:1', 'old'],
  ['live-written:1', 'old'],
  ['temp-created', 'old'],
  ['temp-written', 'old'],
  ['temp-synced', 'old'],
  ['renamed', 'new-file'],
  ['live-before-write:2', 'new-file'],
  ['live-written:2', 'new'],
];

describe.runIf(canUseNetns)(`set --persist killed at each step ${NETNS_REQUIREMENT}`, () => {
  it.each(STEPS.map(([step, left]) => ({ step, left })))(
    'SIGKILL at $step leaves $left state; the next run completes it and leaves no temporary file',
    async ({ step, left }) => {
      const { afterCrash, afterRerun } = await runKilledAt(step);
      expect(afterCrash.signal, afterCrash.stderr).toBe('SIGKILL');
      const file = afterCrash.file.split('\n').filter((l) => !l.startsWith('#')).join('\n');
      const expected = { old: OLD, 'new-file': { live: OLD.live, file: NEW_FILE }, new: { live: NEW_LIVE, file: NEW_FILE } };
      expect({ live: afterCrash.live, file }).toEqual(expected[left]);
      // What must never be: a live range the boot configuration would undo.
      if (afterCrash.live === NEW_LIVE) expect(afterCrash.file).toContain(NEW_FILE);

      expect(afterRerun.status, afterRerun.stderr).toBe(0);
      expect(afterRerun.live).toBe(NEW_LIVE);
      expect(afterRerun.file).toContain(NEW_FILE);
      expect(afterRerun.entries).toEqual(['90-ephemeral-ports.conf']);
    },
    120_000,
  );
});
