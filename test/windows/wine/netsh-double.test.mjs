// Set, read back and failure paths through a netsh double (EMULATED: a mingw-built console program following
// netsh's documented rules, test/windows/doubles/netsh-double.cc) driven by the real backend and the real addon
// in Windows node.exe — execFile of an absolute path, no shell, as with the real netsh.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { doubleState, netshDouble, rejectionOf, win32 } from './helpers.mjs';

function emulated(lines = []) {
  // The double reads the first occurrence of a key, so the test's lines override the defaults after them.
  const state = doubleState([...lines, 'elevated=1', 'silent=0']);
  const backend = win32.createWin32Backend({ netsh: { command: netshDouble(), args: ['--state', state.file] } });
  return { state, backend };
}

test('(emulated) reads through netsh after the real WMI failure, and says so', async () => {
  const { backend } = emulated(['tcp.active=10000 20000']);
  const reading = await backend.getRange();
  assert.deepEqual(reading.range, { low: 10000, high: 29999 });
  assert.equal(reading.source, 'spawn:netsh');
  assert.equal(reading.details.attempts[0].code, 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION');
  assert.equal(reading.details.attempts[0].winCode, 'WBEM_E_INVALID_NAMESPACE');
});

test('(emulated) setRange writes store=active for that transport only and reads back', async () => {
  const { state, backend } = emulated();
  const change = await backend.setRange({ low: 40000, high: 49999 }, { protocol: 'udp' });
  assert.deepEqual(change.previous, { low: 49152, high: 65535 });
  assert.deepEqual(change.current, { low: 40000, high: 49999 });
  const s = state.read();
  assert.equal(s['udp.active'], '40000 10000');
  assert.equal(s['udp.persistent'], undefined);
  assert.equal(s['tcp.active'], undefined);
  assert.ok(s.calls.includes('int ipv4 set dynamicport udp start=40000 num=10000 store=active'), s.calls.join('\n'));
});

test('(emulated) persistRange writes store=persistent and getPersisted reads it', async () => {
  const { state, backend } = emulated();
  const result = await backend.persistRange({ low: 20000, high: 29999 });
  assert.deepEqual(result, { target: 'netsh int ipv4 set dynamicport tcp start=20000 num=10000 store=persistent', written: true });
  assert.equal(state.read()['tcp.persistent'], '20000 10000');
  assert.deepEqual((await backend.getPersisted()).range, { low: 20000, high: 29999 });
});

test('(emulated) bad ranges are refused by core before netsh runs', async () => {
  const { state, backend } = emulated();
  for (const bad of [{ low: 1024, high: 5000 }, { low: 60000, high: 60100 }, { low: 50000, high: 65536 }]) {
    const error = await rejectionOf(backend.setRange(bad));
    assert.equal(error.code, 'ERR_EPHEMERAL_INVALID_RANGE');
  }
  assert.ok(!state.read().calls.some((c) => c.includes(' set ')));
});

test('(emulated) netsh refusing the change → ERR_EPHEMERAL_COMMAND_FAILED with its words, nothing changed', async () => {
  const { state, backend } = emulated(['elevated=0']);
  const error = await rejectionOf(backend.setRange({ low: 40000, high: 49999 }));
  // Wine's token reports elevation, so this is netsh's own refusal rather than ERROR_ELEVATION_REQUIRED.
  assert.equal(error.code, 'ERR_EPHEMERAL_COMMAND_FAILED');
  assert.match(error.message, /requires elevation/);
  assert.equal(state.read()['tcp.active'], undefined);
  assert.deepEqual((await backend.getRange()).range, { low: 49152, high: 65535 });
});

test('(emulated) excluded ranges and explainPort through the double', async () => {
  const { backend } = emulated(['tcp.excluded=5357-5357,49709-49808,50000-50059*']);
  const reading = await backend.getReserved();
  assert.equal(reading.kind, 'excluded');
  assert.equal(reading.ports.toString(), '5357,49709-49808,50000-50059');
  const sys = await backend.explainPort(49750);
  assert.equal(sys.madeBy, 'system');
  assert.equal(sys.inDynamicRange, true);
  assert.equal((await backend.explainPort(50001)).madeBy, 'administrator');
});

test('(emulated) the double itself enforces the documented limits, as netsh does', async () => {
  const { execFile } = await import('node:child_process');
  const state = doubleState(['elevated=1']);
  const run = (...args) =>
    new Promise((resolve) =>
      execFile(netshDouble(), ['--state', state.file, ...args], (error, stdout) =>
        resolve({ code: error ? error.code : 0, stdout }),
      ),
    );
  for (const [start, num] of [[1024, 1000], [40000, 254], [65000, 537]]) {
    const r = await run('int', 'ipv4', 'set', 'dynamicport', 'tcp', `start=${start}`, `num=${num}`);
    assert.equal(r.code, 1, `start=${start} num=${num}`);
    assert.match(r.stdout, /The parameter is incorrect/);
  }
  const ok = await run('int', 'ipv6', 'set', 'dynamicport', 'tcp', 'start=1025', 'num=255');
  assert.equal(ok.code, 0);
  assert.equal(state.read()['tcp.persistent'], '1025 255'); // store=persistent is the default
});
