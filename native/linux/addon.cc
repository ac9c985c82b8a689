// Node-API surface of the Linux addon; typed on the JS side in packages/linux/src/native.ts. Every function is
// synchronous: a procfs read or write takes microseconds, and the netns variants wait for a short thread (reads only
// the first time they meet a namespace, see ReadKnobCached).
#include <napi.h>

#include <sys/utsname.h>

#include <cerrno>
#include <string>

#include "netns_thread.h"
#include "procfs.h"
#include "abstract_lock.h"
#include "census.h"
#include "system_error.h"

namespace ephemeral_ports {
namespace {

// The JS side validates first; these guard the addon against direct callers, with Node's codes.
Napi::Error ArgumentError(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error error = Napi::TypeError::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

// Optional trailing argument: a namespace path, or undefined for the caller's namespace.
bool NetnsArgument(const Napi::CallbackInfo& info, size_t index, std::string* path) {
  if (info.Length() <= index || info[index].IsUndefined()) return false;
  if (!info[index].IsString()) throw ArgumentError(info.Env(), "ERR_INVALID_ARG_TYPE", "netns must be a path string");
  *path = info[index].As<Napi::String>().Utf8Value();
  if (path->empty() || (*path)[0] != '/') throw ArgumentError(info.Env(), "ERR_INVALID_ARG_VALUE", "netns must be an absolute path");
  return true;
}

Knob KnobArgument(const Napi::CallbackInfo& info) {
  Knob knob;
  if (info.Length() < 1 || !info[0].IsString()) throw ArgumentError(info.Env(), "ERR_INVALID_ARG_TYPE", "knob must be a string");
  if (!KnobFromName(info[0].As<Napi::String>().Utf8Value(), &knob)) {
    throw ArgumentError(info.Env(), "ERR_INVALID_ARG_VALUE",
                        "knob must be ip_local_port_range, ip_local_reserved_ports, ip_unprivileged_port_start or tcp_tw_reuse");
  }
  return knob;
}

// Runs `work` here, or on a thread inside `netns` when one was given; throws the captured failure. Remedies are
// the JS side's (packages/linux/src/remedy.ts), which knows what the caller was doing.
template <typename Work>
void Run(Napi::Env env, bool in_netns, const std::string& netns, Work work) {
  OsFailure failure;
  bool ok = in_netns ? RunInNetns(netns, work, &failure) : work(&failure);
  if (!ok) throw SystemError(env, failure);
}

// Packs both ends into one int32 (low in bits 0-15, high in bits 16-31): a small integer costs no allocation.
Napi::Value PackedRange(Napi::Env env, uint32_t low, uint32_t high) {
  return Napi::Number::New(env, static_cast<int32_t>((high << 16) | low));
}

// The namespace argument at `index` as ReadKnobCached wants it: empty for the caller's own.
std::string CacheNetns(const Napi::CallbackInfo& info, size_t index) {
  std::string netns;
  NetnsArgument(info, index, &netns);
  return netns;
}

// readPortRange(netns?: string): number  — packed, see PackedRange.
Napi::Value ReadPortRange(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string netns = CacheNetns(info, 0);
  uint32_t low = 0, high = 0;
  OsFailure failure;
  if (!ReadPortRangeCached(netns, &low, &high, &failure)) throw SystemError(env, failure);
  return PackedRange(env, low, high);
}

// readKnob(knob: string, netns?: string): string  — the file's text as the kernel prints it.
Napi::Value ReadKnobText(const Napi::CallbackInfo& info) {
  Knob knob = KnobArgument(info);
  std::string netns = CacheNetns(info, 1);
  const std::string* text = nullptr;
  OsFailure failure;
  if (!ReadKnobCached(knob, netns, &text, &failure)) throw SystemError(info.Env(), failure);
  return Napi::String::New(info.Env(), *text);
}

// readRangeAndReserved(netns?: string): [packedRange: number, reservedText: string]  — what a range report needs,
// both files read in this one call, on the calling thread: a pread of a few bytes costs less than any hop to
// another thread.
Napi::Value ReadRangeAndReserved(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string netns = CacheNetns(info, 0);
  uint32_t low = 0, high = 0;
  const std::string* reserved = nullptr;
  OsFailure failure;
  if (!ReadPortRangeCached(netns, &low, &high, &failure) ||
      !ReadKnobCached(Knob::kReservedPorts, netns, &reserved, &failure)) {
    throw SystemError(env, failure);
  }
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(0u, PackedRange(env, low, high));
  result.Set(1u, Napi::String::New(env, *reserved));
  return result;
}

// exchangeKnob(knob: string, value: string, netns?: string): [previous: string, current: string]
Napi::Value ExchangeKnobText(const Napi::CallbackInfo& info) {
  Knob knob = KnobArgument(info);
  if (knob == Knob::kTcpTwReuse) throw ArgumentError(info.Env(), "ERR_INVALID_ARG_VALUE", "tcp_tw_reuse is read, never written, here");
  if (info.Length() < 2 || !info[1].IsString()) throw ArgumentError(info.Env(), "ERR_INVALID_ARG_TYPE", "value must be a string");
  std::string value = info[1].As<Napi::String>().Utf8Value();
  std::string netns;
  bool in_netns = NetnsArgument(info, 2, &netns);
  std::string previous, current;
  Run(info.Env(), in_netns, netns,
      [&](OsFailure* failure) { return ExchangeKnob(knob, value, &previous, &current, failure); });
  Napi::Array result = Napi::Array::New(info.Env(), 2);
  result.Set(0u, Napi::String::New(info.Env(), previous));
  result.Set(1u, Napi::String::New(info.Env(), current));
  return result;
}

// kernelRelease(): string  — uname(2)'s release, what `uname -r` and os.release() print. Here because the addon is
// loaded anyway, where reading it from JavaScript would cost every cold start a first readFileSync.
Napi::Value KernelRelease(const Napi::CallbackInfo& info) {
  struct utsname names;
  if (uname(&names) != 0) {
    OsFailure failure;
    failure.Set(errno, "uname", "");
    throw SystemError(info.Env(), failure);
  }
  return Napi::String::New(info.Env(), names.release);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("readPortRange", Napi::Function::New(env, ReadPortRange, "readPortRange"));
  exports.Set("readKnob", Napi::Function::New(env, ReadKnobText, "readKnob"));
  exports.Set("readRangeAndReserved", Napi::Function::New(env, ReadRangeAndReserved, "readRangeAndReserved"));
  exports.Set("exchangeKnob", Napi::Function::New(env, ExchangeKnobText, "exchangeKnob"));
  exports.Set("kernelRelease", Napi::Function::New(env, KernelRelease, "kernelRelease"));
  RegisterCensus(env, exports);
  RegisterAbstractLocks(env, exports);
  return exports;
}

}  // namespace
}  // namespace ephemeral_ports

// The macro pastes its argument into an identifier, so it needs an unqualified name.
static Napi::Object InitLinuxAddon(Napi::Env env, Napi::Object exports) { return ephemeral_ports::Init(env, exports); }
NODE_API_MODULE(ephemeral_ports_linux, InitLinuxAddon)
