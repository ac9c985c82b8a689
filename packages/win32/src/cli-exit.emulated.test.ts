/**
 * The CLI's documented exit codes hold on Windows (EMULATED: the win32 backend over the netsh double and the
 * emulated addon, injected with EPHEMERAL_PORTS_BACKEND): a privilege failure — netsh refused for a non-elevated
 * process (ERROR_ELEVATION_REQUIRED), a reservation call denied (ERROR_ACCESS_DENIED) — is EACCES, exit 77; a
 * rolled-back change is exit 1 and says how a range netsh refuses was written back (the PowerShell double).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { initialState, readState, sameEverywhere, writeState } from '../../../test/windows/doubles/netsh-double.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'test/windows/doubles/cli.ts');
const BACKEND = join(ROOT, 'test/windows/doubles/cli-backend.ts');

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function windows(elevated: boolean, patch: Parameters<typeof initialState>[0] = {}): string {
  dir = mkdtempSync(join(tmpdir(), 'ep-win-cli-'));
  const file = join(dir, 'netsh-state.json');
  writeState(file, initialState({ elevated, ...patch }));
  return file;
}

function cli(state: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', EPHEMERAL_PORTS_BACKEND: BACKEND, EP_WIN_STATE: state };
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

describe('CLI exit codes on Windows (emulated)', () => {
  it('set from a non-elevated prompt: EACCES (ERROR_ELEVATION_REQUIRED), exit 77, nothing changed', async () => {
    const state = windows(false);
    const r = await cli(state, ['set', '40000-49999', '--json']);
    expect(r.code, r.stderr).toBe(77);
    const { error, exitCode } = JSON.parse(r.stderr);
    expect(exitCode).toBe(77);
    expect(error).toMatchObject({ code: 'EACCES', errno: -4092, winCode: 'ERROR_ELEVATION_REQUIRED', syscall: 'netsh' });
    expect(readState(state).active.ipv4.tcp).toEqual({ start: 49152, count: 16384 });
    expect(readState(state).active.ipv6.tcp).toEqual({ start: 49152, count: 16384 });
  });

  it('an excluded-range change denied by the reservation API: EACCES (ERROR_ACCESS_DENIED), exit 77', async () => {
    const state = windows(false);
    const r = await cli(state, ['reserved', 'add', '60000-60009']);
    expect(r.code, r.stderr).toBe(77);
    expect(r.stderr).toMatch(/error \[EACCES\]/);
    expect(r.stderr.split('run from an elevated prompt')).toHaveLength(2); // the remedy, once
    expect(readState(state).excluded.tcp).toEqual([]);
  });

  it('the same commands succeed elevated (exit 0), so 77 above is the privilege check', async () => {
    const state = windows(true);
    expect((await cli(state, ['set', '40000-49999'])).code).toBe(0);
    expect(readState(state).active.ipv4.tcp).toEqual({ start: 40000, count: 10000 });
    expect(readState(state).active.ipv6.tcp).toEqual({ start: 40000, count: 10000 });
  });

  it('set failing part-way on a machine holding start=1024: rolled back through Set-NetTCPSetting, exit 1, warning in the JSON', async () => {
    const found = { start: 1024, count: 64511 };
    const state = windows(true, { refuseSet: 'ipv6', ...sameEverywhere(found) });
    const r = await cli(state, ['set', '49152-65535', '--json']);
    expect(r.code, r.stderr).toBe(1);
    const { error } = JSON.parse(r.stderr);
    expect(error).toMatchObject({
      code: 'ERR_EPHEMERAL_ROLLED_BACK',
      violations: [expect.objectContaining({ code: 'RESTORED_OUTSIDE_NETSH_LIMITS', severity: 'warning' })],
    });
    expect(readState(state).active.ipv4.tcp).toEqual(found);
    expect(readState(state).psCalls).toHaveLength(1);
  });
});
