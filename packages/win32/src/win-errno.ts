/**
 * Windows error codes → the POSIX errno names Node users branch on. The rule is libuv's: `uv_translate_sys_error`
 * in libuv src/win/error.c is the function every Windows failure of Node's own `fs`, `net` and `child_process` goes
 * through, so an error of ours reads like Node's on the same machine (ERROR_ACCESS_DENIED and
 * ERROR_ELEVATION_REQUIRED are EACCES, ERROR_PRIVILEGE_NOT_HELD is EPERM, ...). `errno` takes libuv's UV_E* value
 * of a Windows build (include/uv/errno.h: on `_WIN32` every UV__E* is its own constant, -4092 for EACCES, never
 * the CRT's errno), which is what Node's errors carry on Windows and what `util.getSystemErrorName` decodes there.
 *
 * Beyond libuv's table (it says UNKNOWN for these), for the codes our calls return:
 * - HRESULT_FROM_WIN32 values (facility 7, 0x8007xxxx: E_ACCESSDENIED, E_INVALIDARG ...) are their Win32 code;
 * - WBEM_E_ACCESS_DENIED is EACCES (WMI's own word for the access check E_ACCESSDENIED reports elsewhere);
 * - ERROR_NOT_FOUND ("element not found": no such port reservation) is ENOENT;
 * - an API, COM class or WMI namespace/class this Windows (or Wine) lacks is `ERR_EPHEMERAL_UNSUPPORTED_OPERATION`;
 * - anything else has no errno: `ERR_EPHEMERAL_COMMAND_FAILED`, never an invented errno.
 * The Windows name always stays in `winCode`.
 */
import { ErrorCodes } from '@ephemeral-ports/core';

/** libuv's UV_E* values on Windows (include/uv/errno.h, the `_WIN32` branch of each definition). */
export const UV_WIN_ERRNO = Object.freeze({
  E2BIG: -4093,
  EACCES: -4092,
  EADDRINUSE: -4091,
  EADDRNOTAVAIL: -4090,
  EAFNOSUPPORT: -4089,
  EAGAIN: -4088,
  EALREADY: -4084,
  EBADF: -4083,
  EBUSY: -4082,
  ECANCELED: -4081,
  ECHARSET: -4080,
  ECONNABORTED: -4079,
  ECONNREFUSED: -4078,
  ECONNRESET: -4077,
  EEXIST: -4075,
  EFAULT: -4074,
  EHOSTUNREACH: -4073,
  EINVAL: -4071,
  EIO: -4070,
  EISCONN: -4069,
  EISDIR: -4068,
  ELOOP: -4067,
  EMFILE: -4066,
  EMSGSIZE: -4065,
  ENAMETOOLONG: -4064,
  ENETUNREACH: -4062,
  ENOBUFS: -4060,
  ENOENT: -4058,
  ENOMEM: -4057,
  ENOSPC: -4055,
  ENOTCONN: -4053,
  ENOTEMPTY: -4051,
  ENOTSOCK: -4050,
  ENOTSUP: -4049,
  EOF: -4095,
  EPERM: -4048,
  EPIPE: -4047,
  EPROTONOSUPPORT: -4045,
  EROFS: -4043,
  ESOCKTNOSUPPORT: -4025,
  ETIMEDOUT: -4039,
  EXDEV: -4037,
} as const);

export type ErrnoName = keyof typeof UV_WIN_ERRNO;

/**
 * The switch of `uv_translate_sys_error`, case by case and in its order: [Win32/Winsock code, its name, errno name].
 * The numbers are winerror.h's (checked against mingw-w64's headers).
 */
export const LIBUV_TRANSLATIONS: readonly (readonly [number, string, ErrnoName])[] = [
  [998, 'ERROR_NOACCESS', 'EACCES'],
  [10013, 'WSAEACCES', 'EACCES'],
  [740, 'ERROR_ELEVATION_REQUIRED', 'EACCES'],
  [1920, 'ERROR_CANT_ACCESS_FILE', 'EACCES'],
  [5, 'ERROR_ACCESS_DENIED', 'EACCES'],
  [1227, 'ERROR_ADDRESS_ALREADY_ASSOCIATED', 'EADDRINUSE'],
  [10048, 'WSAEADDRINUSE', 'EADDRINUSE'],
  [10049, 'WSAEADDRNOTAVAIL', 'EADDRNOTAVAIL'],
  [10047, 'WSAEAFNOSUPPORT', 'EAFNOSUPPORT'],
  [10035, 'WSAEWOULDBLOCK', 'EAGAIN'],
  [10037, 'WSAEALREADY', 'EALREADY'],
  [1004, 'ERROR_INVALID_FLAGS', 'EBADF'],
  [6, 'ERROR_INVALID_HANDLE', 'EBADF'],
  [33, 'ERROR_LOCK_VIOLATION', 'EBUSY'],
  [231, 'ERROR_PIPE_BUSY', 'EBUSY'],
  [32, 'ERROR_SHARING_VIOLATION', 'EBUSY'],
  [995, 'ERROR_OPERATION_ABORTED', 'ECANCELED'],
  [10004, 'WSAEINTR', 'ECANCELED'],
  [1113, 'ERROR_NO_UNICODE_TRANSLATION', 'ECHARSET'],
  [1236, 'ERROR_CONNECTION_ABORTED', 'ECONNABORTED'],
  [10053, 'WSAECONNABORTED', 'ECONNABORTED'],
  [1225, 'ERROR_CONNECTION_REFUSED', 'ECONNREFUSED'],
  [10061, 'WSAECONNREFUSED', 'ECONNREFUSED'],
  [64, 'ERROR_NETNAME_DELETED', 'ECONNRESET'],
  [10054, 'WSAECONNRESET', 'ECONNRESET'],
  [183, 'ERROR_ALREADY_EXISTS', 'EEXIST'],
  [80, 'ERROR_FILE_EXISTS', 'EEXIST'],
  [111, 'ERROR_BUFFER_OVERFLOW', 'EFAULT'],
  [10014, 'WSAEFAULT', 'EFAULT'],
  [1232, 'ERROR_HOST_UNREACHABLE', 'EHOSTUNREACH'],
  [10065, 'WSAEHOSTUNREACH', 'EHOSTUNREACH'],
  [122, 'ERROR_INSUFFICIENT_BUFFER', 'EINVAL'],
  [13, 'ERROR_INVALID_DATA', 'EINVAL'],
  [87, 'ERROR_INVALID_PARAMETER', 'EINVAL'],
  [1464, 'ERROR_SYMLINK_NOT_SUPPORTED', 'EINVAL'],
  [10022, 'WSAEINVAL', 'EINVAL'],
  [10046, 'WSAEPFNOSUPPORT', 'EINVAL'],
  [1102, 'ERROR_BEGINNING_OF_MEDIA', 'EIO'],
  [1111, 'ERROR_BUS_RESET', 'EIO'],
  [23, 'ERROR_CRC', 'EIO'],
  [1166, 'ERROR_DEVICE_DOOR_OPEN', 'EIO'],
  [1165, 'ERROR_DEVICE_REQUIRES_CLEANING', 'EIO'],
  [1393, 'ERROR_DISK_CORRUPT', 'EIO'],
  [1129, 'ERROR_EOM_OVERFLOW', 'EIO'],
  [1101, 'ERROR_FILEMARK_DETECTED', 'EIO'],
  [31, 'ERROR_GEN_FAILURE', 'EIO'],
  [1106, 'ERROR_INVALID_BLOCK_LENGTH', 'EIO'],
  [1117, 'ERROR_IO_DEVICE', 'EIO'],
  [1104, 'ERROR_NO_DATA_DETECTED', 'EIO'],
  [205, 'ERROR_NO_SIGNAL_SENT', 'EIO'],
  [110, 'ERROR_OPEN_FAILED', 'EIO'],
  [1103, 'ERROR_SETMARK_DETECTED', 'EIO'],
  [156, 'ERROR_SIGNAL_REFUSED', 'EIO'],
  [10056, 'WSAEISCONN', 'EISCONN'],
  [1921, 'ERROR_CANT_RESOLVE_FILENAME', 'ELOOP'],
  [4, 'ERROR_TOO_MANY_OPEN_FILES', 'EMFILE'],
  [10024, 'WSAEMFILE', 'EMFILE'],
  [10040, 'WSAEMSGSIZE', 'EMSGSIZE'],
  [206, 'ERROR_FILENAME_EXCED_RANGE', 'ENAMETOOLONG'],
  [1231, 'ERROR_NETWORK_UNREACHABLE', 'ENETUNREACH'],
  [10051, 'WSAENETUNREACH', 'ENETUNREACH'],
  [10055, 'WSAENOBUFS', 'ENOBUFS'],
  [161, 'ERROR_BAD_PATHNAME', 'ENOENT'],
  [267, 'ERROR_DIRECTORY', 'ENOENT'],
  [203, 'ERROR_ENVVAR_NOT_FOUND', 'ENOENT'],
  [2, 'ERROR_FILE_NOT_FOUND', 'ENOENT'],
  [123, 'ERROR_INVALID_NAME', 'ENOENT'],
  [15, 'ERROR_INVALID_DRIVE', 'ENOENT'],
  [4392, 'ERROR_INVALID_REPARSE_DATA', 'ENOENT'],
  [126, 'ERROR_MOD_NOT_FOUND', 'ENOENT'],
  [3, 'ERROR_PATH_NOT_FOUND', 'ENOENT'],
  [11001, 'WSAHOST_NOT_FOUND', 'ENOENT'],
  [11004, 'WSANO_DATA', 'ENOENT'],
  [8, 'ERROR_NOT_ENOUGH_MEMORY', 'ENOMEM'],
  [14, 'ERROR_OUTOFMEMORY', 'ENOMEM'],
  [82, 'ERROR_CANNOT_MAKE', 'ENOSPC'],
  [112, 'ERROR_DISK_FULL', 'ENOSPC'],
  [277, 'ERROR_EA_TABLE_FULL', 'ENOSPC'],
  [1100, 'ERROR_END_OF_MEDIA', 'ENOSPC'],
  [39, 'ERROR_HANDLE_DISK_FULL', 'ENOSPC'],
  [2250, 'ERROR_NOT_CONNECTED', 'ENOTCONN'],
  [10057, 'WSAENOTCONN', 'ENOTCONN'],
  [145, 'ERROR_DIR_NOT_EMPTY', 'ENOTEMPTY'],
  [10038, 'WSAENOTSOCK', 'ENOTSOCK'],
  [50, 'ERROR_NOT_SUPPORTED', 'ENOTSUP'],
  [109, 'ERROR_BROKEN_PIPE', 'EOF'],
  [1314, 'ERROR_PRIVILEGE_NOT_HELD', 'EPERM'],
  [230, 'ERROR_BAD_PIPE', 'EPIPE'],
  [232, 'ERROR_NO_DATA', 'EPIPE'],
  [233, 'ERROR_PIPE_NOT_CONNECTED', 'EPIPE'],
  [10058, 'WSAESHUTDOWN', 'EPIPE'],
  [10043, 'WSAEPROTONOSUPPORT', 'EPROTONOSUPPORT'],
  [19, 'ERROR_WRITE_PROTECT', 'EROFS'],
  [121, 'ERROR_SEM_TIMEOUT', 'ETIMEDOUT'],
  [10060, 'WSAETIMEDOUT', 'ETIMEDOUT'],
  [17, 'ERROR_NOT_SAME_DEVICE', 'EXDEV'],
  [1, 'ERROR_INVALID_FUNCTION', 'EISDIR'],
  [208, 'ERROR_META_EXPANSION_TOO_LONG', 'E2BIG'],
  [10044, 'WSAESOCKTNOSUPPORT', 'ESOCKTNOSUPPORT'],
];

const BY_CODE: ReadonlyMap<number, readonly [string, ErrnoName]> = new Map(
  LIBUV_TRANSLATIONS.map(([code, name, errno]) => [code, [name, errno]] as const),
);

/** Windows names of the codes our addon reports that libuv does not translate. */
const OTHER_NAMES: ReadonlyMap<number, string> = new Map([
  [120, 'ERROR_CALL_NOT_IMPLEMENTED'],
  [127, 'ERROR_PROC_NOT_FOUND'],
  [1168, 'ERROR_NOT_FOUND'],
  [1722, 'RPC_S_SERVER_UNAVAILABLE'],
  [0x80041001, 'WBEM_E_FAILED'],
  [0x80041002, 'WBEM_E_NOT_FOUND'],
  [0x80041003, 'WBEM_E_ACCESS_DENIED'],
  [0x8004100c, 'WBEM_E_NOT_SUPPORTED'],
  [0x8004100e, 'WBEM_E_INVALID_NAMESPACE'],
  [0x80041010, 'WBEM_E_INVALID_CLASS'],
  [0x80041011, 'WBEM_E_PROVIDER_NOT_FOUND'],
  [0x80041013, 'WBEM_E_PROVIDER_LOAD_FAILURE'],
  [0x80041017, 'WBEM_E_INVALID_QUERY'],
  [0x80004001, 'E_NOTIMPL'],
  [0x80004002, 'E_NOINTERFACE'],
  [0x80004005, 'E_FAIL'],
  [0x80040154, 'REGDB_E_CLASSNOTREG'],
  [0x800401f0, 'CO_E_NOTINITIALIZED'],
  [0x80010106, 'RPC_E_CHANGED_MODE'],
]);

/** Our additions (see the file comment): an errno name, or the ERR_EPHEMERAL_* code of a missing facility. */
const EXTENSIONS: ReadonlyMap<string, ErrnoName | typeof ErrorCodes.UNSUPPORTED_OPERATION> = new Map([
  ['WBEM_E_ACCESS_DENIED', 'EACCES'],
  ['ERROR_NOT_FOUND', 'ENOENT'],
  ['ERROR_CALL_NOT_IMPLEMENTED', ErrorCodes.UNSUPPORTED_OPERATION],
  ['ERROR_PROC_NOT_FOUND', ErrorCodes.UNSUPPORTED_OPERATION],
  ['E_NOTIMPL', ErrorCodes.UNSUPPORTED_OPERATION],
  ['E_NOINTERFACE', ErrorCodes.UNSUPPORTED_OPERATION],
  ['REGDB_E_CLASSNOTREG', ErrorCodes.UNSUPPORTED_OPERATION],
  ['WBEM_E_NOT_SUPPORTED', ErrorCodes.UNSUPPORTED_OPERATION],
  ['WBEM_E_INVALID_NAMESPACE', ErrorCodes.UNSUPPORTED_OPERATION],
  ['WBEM_E_INVALID_CLASS', ErrorCodes.UNSUPPORTED_OPERATION],
  ['WBEM_E_NOT_FOUND', ErrorCodes.UNSUPPORTED_OPERATION],
  ['WBEM_E_PROVIDER_NOT_FOUND', ErrorCodes.UNSUPPORTED_OPERATION],
  ['WBEM_E_PROVIDER_LOAD_FAILURE', ErrorCodes.UNSUPPORTED_OPERATION],
]);

export interface TranslatedWindowsError {
  /** The errno name (`EACCES`), or an `ERR_EPHEMERAL_*` code when the failure has no errno. */
  code: string;
  /** libuv's (negative) value of `code`, when `code` is an errno name. */
  errno?: number;
  /** The Windows name: `ERROR_ACCESS_DENIED`, `WBEM_E_INVALID_NAMESPACE`, `WIN32_ERROR_<n>`, `HRESULT_0x<hex>`. */
  winCode: string;
}

const GENERATED_NAME = /^(WIN32_ERROR_\d+|HRESULT_0x[0-9A-F]{8})$/;

const generatedName = (code: number) =>
  code >= 0x80000000 ? `HRESULT_0x${code.toString(16).toUpperCase().padStart(8, '0')}` : `WIN32_ERROR_${code}`;

const BY_NAME: ReadonlyMap<string, number> = new Map([
  ...LIBUV_TRANSLATIONS.map(([code, name]) => [name, code] as const),
  ...[...OTHER_NAMES].map(([code, name]) => [name, code] as const),
]);

/**
 * Translates a Win32 error code, Winsock code or HRESULT as the addon reports it (`errno`: unsigned, or a signed
 * 32-bit HRESULT; `code`: its name). Either may be missing; the number decides when both are there.
 */
export function translateWindowsError(value: number | undefined, name?: string): TranslatedWindowsError {
  // 0 (ERROR_SUCCESS) is never a failure: a double or a caller that knows only the name passes it.
  const number = value !== undefined && value !== 0 ? value : name === undefined ? undefined : BY_NAME.get(name);
  const given = name !== undefined && name !== '' && !GENERATED_NAME.test(name) ? name : undefined;
  if (number === undefined) return { code: ErrorCodes.COMMAND_FAILED, winCode: given ?? 'WIN32_ERROR_UNKNOWN' };
  const code = number >>> 0; // an HRESULT may come signed
  // HRESULT_FROM_WIN32 (severity bit, facility 7) carries a Win32 code in its low word.
  const win32 = code < 0x80000000 ? code : code >>> 16 === 0x8007 ? code & 0xffff : undefined;
  const libuv = win32 === undefined ? undefined : BY_CODE.get(win32);
  const ours = OTHER_NAMES.get(code) ?? (win32 === undefined ? undefined : OTHER_NAMES.get(win32));
  const winCode = given ?? libuv?.[0] ?? ours ?? generatedName(code);
  if (libuv) return { code: libuv[1], errno: UV_WIN_ERRNO[libuv[1]], winCode };
  const extension = ours === undefined ? undefined : EXTENSIONS.get(ours);
  if (extension === undefined) return { code: ErrorCodes.COMMAND_FAILED, winCode };
  if (extension === ErrorCodes.UNSUPPORTED_OPERATION) return { code: extension, winCode };
  return { code: extension, errno: UV_WIN_ERRNO[extension], winCode };
}
