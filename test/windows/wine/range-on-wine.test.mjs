// The range and exclusion routes on real Wine, which implements neither netsh `show dynamicport` (a stub printing
// nothing) nor WMI MSFT_NetTCPSetting nor the persistent reservation calls: every failure must be reported
// honestly, with the chain of what was tried.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rejectionOf, win32 } from './helpers.mjs';

const backend = win32.createWin32Backend();

for (const protocol of ['tcp', 'udp']) {
  test(`getRange(${protocol}) reports the whole fallback chain: netsh (both families), then WMI`, async () => {
    const error = await rejectionOf(backend.getRange({ protocol }));
    assert.ok(error instanceof win32.RangeReadError, String(error));
    const klass = protocol === 'tcp' ? 'MSFT_NetTCPSetting' : 'MSFT_NetUDPSetting';
    assert.deepEqual(
      error.attempts.map((a) => [a.source, a.code, a.winCode]),
      [
        ['spawn:netsh', 'ERR_EPHEMERAL_PARSE', undefined],
        [`wmi:root/StandardCimv2/${klass}`, 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION', 'WBEM_E_INVALID_NAMESPACE'],
      ],
    );
    assert.equal(error.code, 'ERR_EPHEMERAL_PARSE'); // the main route's failure
    assert.match(error.message, /WBEM_E_INVALID_NAMESPACE/);
    assert.match(error.message, /printed nothing/);
    assert.match(error.remedy, /Wine/);
  });
}

test('getReserved: netsh show excludedportrange prints nothing under Wine → ERR_EPHEMERAL_PARSE', async () => {
  const error = await rejectionOf(backend.getReserved());
  assert.equal(error.code, 'ERR_EPHEMERAL_PARSE');
  assert.match(error.message, /printed nothing/);
});

test('reservation calls missing from Wine iphlpapi → ERR_EPHEMERAL_UNSUPPORTED_OPERATION (ERROR_PROC_NOT_FOUND), addon still loaded', async () => {
  const error = await rejectionOf(backend.addExclusion({ low: 50000, high: 50009 }));
  assert.equal(error.code, 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION');
  assert.equal(error.winCode, 'ERROR_PROC_NOT_FOUND');
  assert.equal(error.errno, undefined); // no errno means "this API is missing": none is invented
  assert.equal(error.syscall, 'CreatePersistentTcpPortReservation');
  assert.match(error.remedy, /excludedportrange/);
  const lookup = await rejectionOf(backend.lookupExclusion({ low: 50000, high: 50009 }, { protocol: 'udp' }));
  assert.equal(lookup.syscall, 'LookupPersistentUdpPortReservation');
});

test('the addon reports a WMI failure as Windows facts: the HRESULT name and value, and the failing call', async () => {
  const { binding } = win32.loadNativeBinding();
  const error = await rejectionOf(binding.queryDynamicPortRange('tcp'));
  assert.equal(error.code, 'WBEM_E_INVALID_NAMESPACE');
  assert.equal(error.errno, 0x8004100e);
  assert.match(error.syscall, /ConnectServer/);
});
