// Restoring a range netsh refuses (start=1024) from a real Windows node.exe: the backend runs the netsh double and
// the PowerShell double (EMULATED: mingw programs over one state file, test/windows/doubles/*.cc) by absolute
// path through execFile, so the `-Command` script crosses a real Windows command line. The last test uses Wine's
// own powershell.exe found from %SystemRoot%: it exits 0 and does nothing, and the read-back must catch that.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { doubleState, netshDouble, powershellDouble, rejectionOf, win32 } from './helpers.mjs';

const FOUND = '1024 64511'; // 1024-65534, as Hyper-V / Visual Studio installs leave it

/** `powershell`: another powershell.exe to run instead of the double (given no arguments of ours). */
function emulated(lines = [], powershell = undefined) {
  const state = doubleState([...lines, 'elevated=1', 'silent=0']);
  const backend = win32.createWin32Backend({
    netsh: { command: netshDouble(), args: ['--state', state.file] },
    powershell: powershell ?? { command: powershellDouble(), args: ['--state', state.file] },
  });
  return { state, backend };
}

const everywhere = (proto, value) =>
  ['ipv4', 'ipv6'].flatMap((f) => [`${f}.${proto}.active=${value}`, `${f}.${proto}.persistent=${value}`]);

test('(emulated) a failed set rolls back to start=1024 through Set-NetTCPSetting, read back from the active store', async () => {
  const { state, backend } = emulated(['refuse_set=ipv6', ...everywhere('tcp', FOUND)]);
  const error = await rejectionOf(backend.setRange({ low: 49152, high: 65535 }));
  assert.equal(error.code, 'ERR_EPHEMERAL_ROLLED_BACK', error.message);
  assert.equal(error.violations[0].code, 'RESTORED_OUTSIDE_NETSH_LIMITS');
  const s = state.read();
  assert.equal(s['ipv4.tcp.active'], FOUND);
  assert.equal(s['ipv6.tcp.active'], FOUND);
  assert.ok(!s.calls.some((c) => c.includes('start=1024')), 'netsh is never asked for start=1024');
  // the script arrived as one argument, intact: the double found the cmdlet line and applied it
  assert.equal(s.pscalls.length, 1);
  assert.match(s.pscalls[0], /Set-NetTCPSetting -DynamicPortRangeStartPort 1024 -DynamicPortRangeNumberOfPorts 64511; @\{ ok = \$true \} \| ConvertTo-Json -Compress; exit 0 \}/);
  assert.match(s.pscalls[0], /^\$ErrorActionPreference = 'Stop'; .* exit 1 \}$/);
});

test('(emulated) restoreRange of a UDP state read before, in the persistent store, with Set-NetUDPSetting', async () => {
  const { state, backend } = emulated();
  const change = await backend.restoreRange({ low: 1024, high: 5000 }, { protocol: 'udp', store: 'persistent' });
  assert.deepEqual(change.current, { low: 1024, high: 5000 });
  assert.deepEqual(change.warnings.map((w) => w.code), ['RESTORED_OUTSIDE_NETSH_LIMITS', 'RESTORED_OUTSIDE_NETSH_LIMITS']);
  assert.equal(state.read()['ipv6.udp.persistent'], '1024 3977');
  assert.match(state.read().pscalls[0], /Set-NetUDPSetting -DynamicPortRangeStartPort 1024 -DynamicPortRangeNumberOfPorts 3977;/);
});

test('(emulated) the cmdlet refused for a non-elevated process: EACCES (ERROR_ACCESS_DENIED) in the chain', async () => {
  const { state, backend } = emulated(['elevated=0']);
  const ps = await rejectionOf(backend.restoreRange({ low: 1024, high: 65534 }));
  assert.equal(ps.code, 'EACCES');
  assert.equal(ps.winCode, 'ERROR_ACCESS_DENIED');
  assert.equal(ps.syscall, 'Set-NetTCPSetting');
  assert.equal(state.read()['ipv4.tcp.active'], undefined); // nothing written
});

test("Wine's own powershell.exe (from SystemRoot) says nothing and changes nothing: the read-back refuses to call that a restore", async () => {
  const path = win32.defaultPowerShellPath();
  assert.match(path, /^[A-Za-z]:\\.*\\System32\\WindowsPowerShell\\v1\.0\\powershell\.exe$/i);
  const { state, backend } = emulated(['refuse_set=ipv6', ...everywhere('tcp', FOUND)], { command: path });
  const error = await rejectionOf(backend.setRange({ low: 49152, high: 65535 }));
  assert.equal(error.code, 'ERR_EPHEMERAL_ROLLBACK_FAILED', error.message);
  assert.match(error.message, /READBACK_MISMATCH: wrote 1024-65534 for ipv4 to the active store but netsh reads back 49152-65535/);
  assert.match(error.remedy, /Set-NetTCPSetting -DynamicPortRangeStartPort 1024 -DynamicPortRangeNumberOfPorts 64511/);
  assert.equal(state.read()['ipv6.tcp.active'], FOUND);
});
