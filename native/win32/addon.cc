// Entry point of the Windows addon (@ephemeral-ports/win32). Exports are typed in packages/win32/src/native.ts.
#include "win_common.h"

namespace ep_win32 {

// isElevated(): whether this process runs with an elevated (administrator) token; netsh `set` needs one.
Napi::Value IsElevated(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  HANDLE token = nullptr;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) Throw(env, GetLastError(), "OpenProcessToken");
  TOKEN_ELEVATION elevation{};
  DWORD size = 0;
  const BOOL ok = GetTokenInformation(token, TokenElevation, &elevation, sizeof elevation, &size);
  const DWORD err = ok ? 0 : GetLastError();
  CloseHandle(token);
  if (!ok) Throw(env, err, "GetTokenInformation(TokenElevation)");
  return Napi::Boolean::New(env, elevation.TokenIsElevated != 0);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("tcpTable", Napi::Function::New(env, TcpTable, "tcpTable"));
  exports.Set("udpTable", Napi::Function::New(env, UdpTable, "udpTable"));
  exports.Set("createPortReservation", Napi::Function::New(env, CreatePortReservation, "createPortReservation"));
  exports.Set("lookupPortReservation", Napi::Function::New(env, LookupPortReservation, "lookupPortReservation"));
  exports.Set("deletePortReservation", Napi::Function::New(env, DeletePortReservation, "deletePortReservation"));
  exports.Set("queryDynamicPortRange", Napi::Function::New(env, QueryDynamicPortRange, "queryDynamicPortRange"));
  exports.Set("isElevated", Napi::Function::New(env, IsElevated, "isElevated"));
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  return exports;
}

}  // namespace ep_win32

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return ep_win32::Init(env, exports); }

NODE_API_MODULE(ephemeral_ports_win32, InitModule)
