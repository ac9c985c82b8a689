/**
 * An EPHEMERAL_PORTS_BACKEND module for CLI tests (EMULATED Windows): the real win32 backend, from its sources,
 * over the netsh double run in-process and the emulated addon, both on the state file named by EP_WIN_STATE (so
 * a test sets `elevated: false` and watches the CLI fail as a non-elevated Windows prompt would). A restore that
 * netsh refuses goes to the PowerShell double over the same state.
 */
import { createWin32Backend } from '../../../packages/win32/src/index.js';
import { createEmulatedAddon } from './emulated-addon.js';
import { netsh, readState, writeState } from './netsh-double.mjs';
import { powershell } from './powershell-double.mjs';

export function createBackend() {
  const file = process.env.EP_WIN_STATE;
  if (!file) throw new Error('EP_WIN_STATE must name the netsh double state file');
  return createWin32Backend({
    native: createEmulatedAddon(file, { wmi: true }),
    netshRunner: async (args) => {
      const state = readState(file);
      const { out, code } = netsh(state, [...args]);
      writeState(file, state);
      return { stdout: out, stderr: '', status: code };
    },
    powershellRunner: async (script) => {
      const state = readState(file);
      const { out, err, code } = powershell(state, ['-NoProfile', '-NonInteractive', '-Command', script]);
      writeState(file, state);
      return { stdout: out, stderr: err, status: code, timedOut: false };
    },
    release: '10.0.19045',
  });
}
