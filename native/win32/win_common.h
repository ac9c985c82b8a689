// Shared includes and error helpers of the Windows addon. Every failure becomes a JS Error carrying the Windows
// facts: `code` (the Windows error name, e.g. ERROR_ACCESS_DENIED), `errno` (the numeric Win32 code or HRESULT)
// and `syscall` (the API that failed). The TypeScript side (packages/win32/src/win-error.ts) turns it into an
// EphemeralPortsError with the nearest errno name as libuv maps it, this name as `winCode`, and a remedy.
#pragma once

#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0601  // Windows 7: GetExtended*Table, persistent port reservations
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <iphlpapi.h>

#include <napi.h>

#include <cstdint>
#include <string>

namespace ep_win32 {

// Name of a Win32 error code or HRESULT, or "WIN32_ERROR_<n>" / "HRESULT_0x..." when it is not in our table.
std::string ErrorName(uint32_t code, bool isHresult);

// System message for a code (English on English systems, localized otherwise), without the trailing newline.
std::string ErrorMessage(uint32_t code);

// Builds the JS error described above. `isHresult` selects the HRESULT name table (COM/WMI).
Napi::Error MakeError(Napi::Env env, uint32_t code, const char* syscall, bool isHresult = false);

[[noreturn]] inline void Throw(Napi::Env env, uint32_t code, const char* syscall, bool isHresult = false) {
  throw MakeError(env, code, syscall, isHresult);
}

// Exported functions, one file each.
Napi::Value TcpTable(const Napi::CallbackInfo& info);
Napi::Value UdpTable(const Napi::CallbackInfo& info);
Napi::Value CreatePortReservation(const Napi::CallbackInfo& info);
Napi::Value LookupPortReservation(const Napi::CallbackInfo& info);
Napi::Value DeletePortReservation(const Napi::CallbackInfo& info);
Napi::Value QueryDynamicPortRange(const Napi::CallbackInfo& info);
Napi::Value IsElevated(const Napi::CallbackInfo& info);

}  // namespace ep_win32
