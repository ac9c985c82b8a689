/**
 * Refusals by the kernel: a non-root caller (setpriv to nobody) gets EACCES/EPERM and a read-only /proc/sys
 * (private mount namespace, read-only bind mount) gets EROFS; both with a remedy, and nothing changes.
 * Both the addon and the JS fallback are checked.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETNS_REQUIREMENT, type Netns, ROOT_DIR, SETPRIV, UNSHARE, canUseNetns, createNetns } from '../helpers/netns.js';

const FIXTURE = fileURLToPath(new URL('fixtures/try-changes.mts', import.meta.url));
const NODE_ARGS = ['--import', 'tsx', FIXTURE];

interface Attempt {
  ok?: boolean;
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
  remedy?: string;
}
interface Report {
  implementation: string;
  uid: number;
  read: { low: number; high: number };
  setRange: Attempt;
  setReserved: Attempt;
  before: { range: string; reserved: string };
  after: { range: string; reserved: string };
}

function parseReport(stdout: string, stderr: string): Report {
  try {
    return JSON.parse(stdout) as Report;
  } catch {
    throw new Error(`fixture printed no report:\n${stdout}\n${stderr}`);
  }
}

const IMPLEMENTATIONS = [
  { implementation: 'native', expected: 'native' },
  { implementation: 'js', expected: 'js-fallback' },
] as const;

describe.runIf(canUseNetns)(`linux: not permitted → EACCES/EPERM, unchanged (setpriv nobody) ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns;
  beforeAll(async () => {
    ns = await createNetns();
    // A value unlike any default, so the unprivileged read (the addon's fast path) must really read this netns.
    await ns.writeRange(41234, 51235);
  });
  afterAll(() => ns?.close());

  it.each(IMPLEMENTATIONS)('$implementation: refused with a remedy, nothing changes', async ({ implementation, expected }) => {
    const before = await ns.readRange();
    const run = await ns.exec(SETPRIV, [
      '--reuid', '65534', '--regid', '65534', '--clear-groups', process.execPath, ...NODE_ARGS, implementation,
    ]);
    const report = parseReport(run.stdout, run.stderr);
    expect(report.uid).toBe(65534);
    expect(report.implementation).toBe(expected);
    expect(report.read).toEqual({ low: 41234, high: 51235 });
    expect(before).toEqual({ low: 41234, high: 51235 });
    for (const attempt of [report.setRange, report.setReserved]) {
      expect(['EACCES', 'EPERM']).toContain(attempt.code);
      expect(attempt).toMatchObject({ syscall: 'open', remedy: expect.stringContaining('CAP_NET_ADMIN') });
      expect(attempt.errno === -13 || attempt.errno === -1).toBe(true); // negative, as Node's own errors
    }
    expect(report.setReserved.path).toBe('/proc/sys/net/ipv4/ip_local_reserved_ports');
    expect(report.after).toEqual(report.before);
    expect(await ns.readRange()).toEqual(before);
  });
});

describe.runIf(canUseNetns)(`linux: read-only /proc/sys → EROFS, unchanged (unshare -n -m) ${NETNS_REQUIREMENT}`, () => {
  it.each(IMPLEMENTATIONS)('$implementation: refused with the container hint, nothing changes', async ({ implementation, expected }) => {
    const run = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile(
        UNSHARE,
        ['-n', '-m', '--propagation', 'private', '--', process.execPath, ...NODE_ARGS, implementation, '--mount-ro'],
        { cwd: ROOT_DIR },
        (_error, stdout, stderr) => resolve({ stdout, stderr }),
      );
    });
    const report = parseReport(run.stdout, run.stderr);
    expect(report.implementation).toBe(expected);
    for (const attempt of [report.setRange, report.setReserved]) {
      expect(attempt).toMatchObject({ code: 'EROFS', errno: -30, remedy: expect.stringContaining('read-only') });
    }
    expect(report.after).toEqual(report.before);
    expect(report.after.range).toBe('32768\t60999');
  });
});
