// The Windows → errno table (packages/win32/src/win-errno.ts) against Windows node's own libuv: every errno value
// it gives is the one this node.exe decodes to the same name, and a failure Node itself reports (a missing file)
// carries the code and errno the table gives for its Win32 code.
import assert from 'node:assert/strict';
import { openSync } from 'node:fs';
import { test } from 'node:test';
import { getSystemErrorName } from 'node:util';
import { win32 } from './helpers.mjs';

test("every errno of the table decodes to its name in this node.exe's libuv", () => {
  let mapped = 0;
  // All Win32 and Winsock codes libuv translates are below 12000; the HRESULTs are our additions.
  const codes = [...Array(12000).keys(), 0x80070005, 0x80070057, 0x8007000e, 0x80041003];
  for (const value of codes) {
    const t = win32.translateWindowsError(value);
    if (t.errno === undefined) continue;
    assert.equal(getSystemErrorName(t.errno), t.code, `${t.winCode} (${value})`);
    mapped++;
  }
  assert.ok(mapped >= 100, `only ${mapped} codes mapped`);
});

test('a failure Node reports itself reads the same: ERROR_FILE_NOT_FOUND is ENOENT with the same errno', () => {
  let error;
  try {
    openSync('C:\\ephemeral-ports-no-such-dir\\missing.txt', 'r');
  } catch (e) {
    error = e;
  }
  const t = win32.translateWindowsError(3); // ERROR_PATH_NOT_FOUND: the directory is missing too
  assert.equal(error.code, t.code);
  assert.equal(error.errno, t.errno);
});
