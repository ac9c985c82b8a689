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

test('(emulated) reads both families through netsh, and reports when they disagree', async () => {
  const { backend } = emulated(['ipv4.tcp.active=10000 20000', 'ipv6.tcp.active=10000 1000']);
  const reading = await backend.getRange();
  assert.deepEqual(reading.range, { low: 10000, high: 29999 });
  assert.equal(reading.source, 'spawn:netsh');
  assert.deepEqual(reading.details.attempts, []);
  assert.equal(reading.details.familiesAgree, false);
  assert.equal(reading.warnings[0].code, 'FAMILIES_DISAGREE');
});

test('(emulated) setRange writes store=active for both families of that transport only and reads both back', async () => {
  const { state, backend } = emulated();
  const change = await backend.setRange({ low: 40000, high: 49999 }, { protocol: 'udp' });
  assert.deepEqual(change.previous, { low: 49152, high: 65535 });
  assert.deepEqual(change.current, { low: 40000, high: 49999 });
  const s = state.read();
  assert.equal(s['ipv4.udp.active'], '40000 10000');
  assert.equal(s['ipv6.udp.active'], '40000 10000');
  assert.equal(s['ipv4.udp.persistent'], undefined);
  assert.equal(s['ipv4.tcp.active'], undefined);
  for (const family of ['ipv4', 'ipv6']) {
    assert.ok(s.calls.includes(`int ${family} set dynamicport udp start=40000 num=10000 store=active`), s.calls.join('\n'));
  }
});

test('(emulated) IPv6 refused after IPv4 was set: IPv4 is restored, ERR_EPHEMERAL_ROLLED_BACK', async () => {
  const { state, backend } = emulated(['refuse_set=ipv6']);
  const error = await rejectionOf(backend.setRange({ low: 40000, high: 49999 }));
  assert.equal(error.code, 'ERR_EPHEMERAL_ROLLED_BACK');
  assert.equal(error.cause.code, 'ERR_EPHEMERAL_COMMAND_FAILED');
  assert.equal(state.read()['ipv4.tcp.active'], '49152 16384');
});

test('(emulated) persistRange writes store=persistent for both families and getPersisted reads it', async () => {
  const { state, backend } = emulated();
  const result = await backend.persistRange({ low: 20000, high: 29999 });
  assert.deepEqual(result, {
    target:
      'netsh int ipv4 set dynamicport tcp start=20000 num=10000 store=persistent && ' +
      'netsh int ipv6 set dynamicport tcp start=20000 num=10000 store=persistent',
    written: true,
  });
  assert.equal(state.read()['ipv4.tcp.persistent'], '20000 10000');
  assert.equal(state.read()['ipv6.tcp.persistent'], '20000 10000');
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
  assert.equal(state.read()['ipv4.tcp.active'], undefined);
  assert.deepEqual((await backend.getRange()).range, { low: 49152, high: 65535 });
});

test('(emulated) excluded ranges of both families and explainPort through the double', async () => {
  const { backend } = emulated(['tcp.excluded=5357-5357,49709-49808,50000-50059*', 'ipv6.tcp.excluded=51000-51099']);
  const reading = await backend.getReserved();
  assert.equal(reading.kind, 'excluded');
  assert.equal(reading.ports.toString(), '5357,49709-49808,50000-50059,51000-51099');
  assert.match((await backend.explainPort(51050)).summary, /listed for IPv6 only/);
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
  const ok = await run('int', 'ipv6', 'set', 'dynamic', 'tcp', 'start=1025', 'num=255');
  assert.equal(ok.code, 0);
  assert.equal(state.read()['ipv6.tcp.persistent'], '1025 255'); // store=persistent is the default
  assert.equal(state.read()['ipv4.tcp.persistent'], undefined); // each IP version keeps its own range
});
