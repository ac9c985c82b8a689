// Real Windows node.exe under Wine: the mingw cross-built prebuild loads through node-gyp-build.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { PREBUILD, win32 } from './helpers.mjs';

test('runs in Windows node.exe', () => {
  assert.equal(process.platform, 'win32');
});

test('the win32-x64 prebuild exists and loads, with every export', () => {
  assert.ok(existsSync(PREBUILD), `missing ${PREBUILD}: run scripts/windows/cross-build.sh`);
  const loaded = win32.loadNativeBinding();
  assert.equal(loaded.fallbackReason, undefined);
  for (const name of ['tcpTable', 'udpTable', 'queryDynamicPortRange', 'createPortReservation',
    'lookupPortReservation', 'deletePortReservation', 'isElevated']) {
    assert.equal(typeof loaded.binding[name], 'function', name);
  }
  assert.equal(typeof loaded.binding.isElevated(), 'boolean');
});

test('the backend uses it: implementation native, census supported', () => {
  const info = win32.createWin32Backend().info();
  assert.equal(info.os, 'win32');
  assert.equal(info.implementation, 'native');
  assert.equal(info.fallbackReason, undefined);
  assert.equal(info.supportsCensus, true);
  assert.equal(info.separateProtocolRanges, true);
  assert.match(info.release, /^\d+\.\d+/);
});

test('bad arguments to the addon are TypeErrors, not crashes', () => {
  const { binding } = win32.loadNativeBinding();
  assert.throws(() => binding.tcpTable(5), TypeError);
  assert.throws(() => binding.lookupPortReservation('sctp', 1, 1), TypeError);
  assert.throws(() => binding.lookupPortReservation('tcp', 0, 1), RangeError);
});
