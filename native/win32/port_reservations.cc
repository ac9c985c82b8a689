// Persistent port reservations (the administered entries of `netsh ... show excludedportrange`) through the
// documented iphlpapi calls Create/Lookup/DeletePersistent{Tcp,Udp}PortReservation (platform-facts §8.4).
// They are resolved at run time: Wine and old systems lack some of them, and a missing import must not stop the
// whole addon (census, WMI) from loading; a missing call is reported as ERROR_PROC_NOT_FOUND.
#include "win_common.h"

namespace ep_win32 {
namespace {

using CreateFn = ULONG(WINAPI*)(USHORT, USHORT, PULONG64);
using LookupFn = ULONG(WINAPI*)(USHORT, USHORT, PULONG64);
using DeleteFn = ULONG(WINAPI*)(USHORT, USHORT);

FARPROC Resolve(Napi::Env env, const char* name) {
  HMODULE module = GetModuleHandleA("iphlpapi.dll");
  if (!module) module = LoadLibraryExA("iphlpapi.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32);
  if (!module) Throw(env, GetLastError(), "LoadLibraryExA(iphlpapi.dll)");
  FARPROC fn = GetProcAddress(module, name);
  if (!fn) Throw(env, ERROR_PROC_NOT_FOUND, name);
  return fn;
}

struct Args {
  bool udp;
  USHORT start;  // host byte order; converted at the call
  USHORT count;
};

// (protocol: 'tcp' | 'udp', start: 1..65535, count: 1..65535); the range checks are done in TypeScript, this
// only refuses what cannot be passed to the API at all.
Args ParseArgs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsNumber() || !info[2].IsNumber())
    throw Napi::TypeError::New(env, "expected (protocol, start, count)");
  const std::string protocol = info[0].As<Napi::String>().Utf8Value();
  if (protocol != "tcp" && protocol != "udp") throw Napi::TypeError::New(env, "protocol must be tcp or udp");
  const double start = info[1].As<Napi::Number>().DoubleValue();
  const double count = info[2].As<Napi::Number>().DoubleValue();
  if (!(start >= 1 && start <= 65535 && start == static_cast<int>(start)) ||
      !(count >= 1 && count <= 65535 && count == static_cast<int>(count)))
    throw Napi::RangeError::New(env, "start and count must be integers from 1 to 65535");
  return {protocol == "udp", static_cast<USHORT>(start), static_cast<USHORT>(count)};
}

Napi::Value Token(Napi::Env env, ULONG64 token) { return Napi::BigInt::New(env, static_cast<uint64_t>(token)); }

}  // namespace

// createPortReservation(protocol, start, count): bigint token
Napi::Value CreatePortReservation(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Args a = ParseArgs(info);
  const char* name = a.udp ? "CreatePersistentUdpPortReservation" : "CreatePersistentTcpPortReservation";
  auto fn = reinterpret_cast<CreateFn>(reinterpret_cast<void*>(Resolve(env, name)));
  ULONG64 token = 0;
  // StartPort is in network byte order; NumberOfPorts is not (iphlpapi.h documentation).
  const ULONG rc = fn(htons(a.start), a.count, &token);
  if (rc != NO_ERROR) Throw(env, rc, name);
  return Token(env, token);
}

// lookupPortReservation(protocol, start, count): bigint token, or null when no such reservation exists
Napi::Value LookupPortReservation(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Args a = ParseArgs(info);
  const char* name = a.udp ? "LookupPersistentUdpPortReservation" : "LookupPersistentTcpPortReservation";
  auto fn = reinterpret_cast<LookupFn>(reinterpret_cast<void*>(Resolve(env, name)));
  ULONG64 token = 0;
  const ULONG rc = fn(htons(a.start), a.count, &token);
  if (rc == ERROR_NOT_FOUND) return env.Null();
  if (rc != NO_ERROR) Throw(env, rc, name);
  return Token(env, token);
}

// deletePortReservation(protocol, start, count): undefined
Napi::Value DeletePortReservation(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Args a = ParseArgs(info);
  const char* name = a.udp ? "DeletePersistentUdpPortReservation" : "DeletePersistentTcpPortReservation";
  auto fn = reinterpret_cast<DeleteFn>(reinterpret_cast<void*>(Resolve(env, name)));
  const ULONG rc = fn(htons(a.start), a.count);
  if (rc != NO_ERROR) Throw(env, rc, name);
  return env.Undefined();
}

}  // namespace ep_win32
