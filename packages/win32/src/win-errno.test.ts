/**
 * The Windows → errno table against its sources: libuv src/win/error.c (`uv_translate_sys_error`, which cases map
 * to which UV_E*), libuv include/uv/errno.h (the UV_E* values of a Windows build) and winerror.h (the codes).
 * Under Wine, test/windows/wine/errno.test.mjs checks the same values against Windows node's own libuv.
 */
import { describe, expect, it } from 'vitest';
import { LIBUV_TRANSLATIONS, UV_WIN_ERRNO, translateWindowsError } from './win-errno.js';

// [Windows name, winerror.h value, errno name uv_translate_sys_error gives, its UV_E* value on Windows]
const CITED: [string, number, string, number][] = [
  ['ERROR_ACCESS_DENIED', 5, 'EACCES', -4092],
  ['ERROR_ELEVATION_REQUIRED', 740, 'EACCES', -4092],
  ['WSAEACCES', 10013, 'EACCES', -4092],
  ['ERROR_PRIVILEGE_NOT_HELD', 1314, 'EPERM', -4048],
  ['ERROR_INVALID_PARAMETER', 87, 'EINVAL', -4071],
  ['ERROR_INSUFFICIENT_BUFFER', 122, 'EINVAL', -4071],
  ['WSAEADDRINUSE', 10048, 'EADDRINUSE', -4091],
  ['ERROR_ADDRESS_ALREADY_ASSOCIATED', 1227, 'EADDRINUSE', -4091],
  ['ERROR_SHARING_VIOLATION', 32, 'EBUSY', -4082],
  ['ERROR_FILE_NOT_FOUND', 2, 'ENOENT', -4058],
  ['ERROR_MOD_NOT_FOUND', 126, 'ENOENT', -4058],
  ['ERROR_NOT_ENOUGH_MEMORY', 8, 'ENOMEM', -4057],
  ['ERROR_OUTOFMEMORY', 14, 'ENOMEM', -4057],
  ['ERROR_NOT_SUPPORTED', 50, 'ENOTSUP', -4049],
  ['ERROR_INVALID_HANDLE', 6, 'EBADF', -4083],
  ['ERROR_GEN_FAILURE', 31, 'EIO', -4070],
  ['ERROR_INVALID_FUNCTION', 1, 'EISDIR', -4068],
  ['WSAETIMEDOUT', 10060, 'ETIMEDOUT', -4039],
  ['ERROR_BROKEN_PIPE', 109, 'EOF', -4095],
];

describe('translateWindowsError: libuv uv_translate_sys_error', () => {
  it.each(CITED)('%s (%i) is %s (%i)', (winCode, value, code, errno) => {
    expect(translateWindowsError(value, winCode)).toEqual({ code, errno, winCode });
    expect(translateWindowsError(value)).toEqual({ code, errno, winCode }); // the name comes from the table too
    expect(translateWindowsError(undefined, winCode)).toEqual({ code, errno, winCode }); // and the number from the name
  });

  it('holds every case of the switch once, each with a UV_E* value', () => {
    expect(LIBUV_TRANSLATIONS).toHaveLength(99);
    expect(new Set(LIBUV_TRANSLATIONS.map(([value]) => value)).size).toBe(99);
    expect(new Set(LIBUV_TRANSLATIONS.map(([, name]) => name)).size).toBe(99);
    for (const [value, winCode, code] of LIBUV_TRANSLATIONS) {
      expect(UV_WIN_ERRNO[code], code).toBeLessThan(0);
      expect(translateWindowsError(value)).toEqual({ code, errno: UV_WIN_ERRNO[code], winCode });
    }
  });

  it("UV_E* values are libuv's Windows constants: all distinct, between -4095 and -4000", () => {
    const values = Object.values(UV_WIN_ERRNO);
    expect(new Set(values).size).toBe(values.length);
    for (const v of values) expect(v >= -4095 && v <= -4000).toBe(true);
  });
});

describe('translateWindowsError: the codes libuv leaves UNKNOWN', () => {
  it('reads an HRESULT_FROM_WIN32 as its Win32 code, signed or not, keeping the HRESULT name', () => {
    const accessDenied = { code: 'EACCES', errno: -4092, winCode: 'E_ACCESSDENIED' };
    expect(translateWindowsError(0x80070005, 'E_ACCESSDENIED')).toEqual(accessDenied);
    expect(translateWindowsError(-2147024891, 'E_ACCESSDENIED')).toEqual(accessDenied);
    expect(translateWindowsError(0x80070057, 'E_INVALIDARG')).toEqual({ code: 'EINVAL', errno: -4071, winCode: 'E_INVALIDARG' });
    expect(translateWindowsError(0x8007000e)).toEqual({ code: 'ENOMEM', errno: -4057, winCode: 'ERROR_OUTOFMEMORY' });
  });

  it('maps WMI access denied to EACCES and a missing reservation to ENOENT', () => {
    expect(translateWindowsError(0x80041003)).toEqual({ code: 'EACCES', errno: -4092, winCode: 'WBEM_E_ACCESS_DENIED' });
    expect(translateWindowsError(1168)).toEqual({ code: 'ENOENT', errno: -4058, winCode: 'ERROR_NOT_FOUND' });
  });

  it.each([
    ['WBEM_E_INVALID_NAMESPACE', 0x8004100e],
    ['WBEM_E_INVALID_CLASS', 0x80041010],
    ['WBEM_E_NOT_FOUND', 0x80041002],
    ['ERROR_PROC_NOT_FOUND', 127],
    ['ERROR_CALL_NOT_IMPLEMENTED', 120],
    ['E_NOTIMPL', 0x80004001],
    ['REGDB_E_CLASSNOTREG', 0x80040154],
  ])('%s: a facility this system lacks is ERR_EPHEMERAL_UNSUPPORTED_OPERATION, without an errno', (winCode, value) => {
    expect(translateWindowsError(value)).toEqual({ code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION', winCode });
  });

  it('anything else has no errno: ERR_EPHEMERAL_COMMAND_FAILED with the Windows name', () => {
    expect(translateWindowsError(0x80041001)).toEqual({ code: 'ERR_EPHEMERAL_COMMAND_FAILED', winCode: 'WBEM_E_FAILED' });
    expect(translateWindowsError(0x800706ba, 'RPC_S_SERVER_UNAVAILABLE')).toEqual({
      code: 'ERR_EPHEMERAL_COMMAND_FAILED',
      winCode: 'RPC_S_SERVER_UNAVAILABLE',
    });
    expect(translateWindowsError(12345, 'WIN32_ERROR_12345')).toEqual({
      code: 'ERR_EPHEMERAL_COMMAND_FAILED',
      winCode: 'WIN32_ERROR_12345',
    });
    expect(translateWindowsError(0x80ff0001)).toEqual({ code: 'ERR_EPHEMERAL_COMMAND_FAILED', winCode: 'HRESULT_0x80FF0001' });
    expect(translateWindowsError(undefined, 'SOMETHING_ELSE')).toEqual({
      code: 'ERR_EPHEMERAL_COMMAND_FAILED',
      winCode: 'SOMETHING_ELSE',
    });
  });

  it("replaces the addon's generated name by the real one when the table knows the code", () => {
    expect(translateWindowsError(1314, 'WIN32_ERROR_1314')).toEqual({
      code: 'EPERM',
      errno: -4048,
      winCode: 'ERROR_PRIVILEGE_NOT_HELD',
    });
  });
});
