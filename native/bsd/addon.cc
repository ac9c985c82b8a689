#include "addon.h"

#include <climits>
#include <cmath>
#include <string>

#include "sysctl_int.h"
#include "system_error.h"

namespace ephemeral_ports {
namespace bsd {
namespace {

// Only the port-range OIDs are reachable: the addon runs as root, so it must not become a generic sysctl writer.
constexpr char kPrefix[] = "net.inet.ip.portrange.";
constexpr std::size_t kMaxNameLength = 128;

// Argument errors as Node's own: TypeError with ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE, RangeError with
// ERR_OUT_OF_RANGE (native-port.ts turns them into the project's classes of the same shape).
Napi::Error ArgTypeError(Napi::Env env, const std::string& message) {
  Napi::Error error = Napi::TypeError::New(env, message);
  error.Set("code", Napi::String::New(env, "ERR_INVALID_ARG_TYPE"));
  return error;
}

Napi::Error ArgValueError(Napi::Env env, const std::string& message) {
  Napi::Error error = Napi::TypeError::New(env, message);
  error.Set("code", Napi::String::New(env, "ERR_INVALID_ARG_VALUE"));
  return error;
}

Napi::Error OutOfRangeError(Napi::Env env, const std::string& message) {
  Napi::Error error = Napi::RangeError::New(env, message);
  error.Set("code", Napi::String::New(env, "ERR_OUT_OF_RANGE"));
  return error;
}

std::string OidName(Napi::Env env, const Napi::Value& value) {
  if (!value.IsString()) throw ArgTypeError(env, "sysctl name must be a string");
  std::string name = value.As<Napi::String>().Utf8Value();
  bool ok = name.size() > sizeof kPrefix - 1 && name.size() <= kMaxNameLength &&
            name.compare(0, sizeof kPrefix - 1, kPrefix) == 0;
  for (char c : name) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                   c == '_';
    ok = ok && allowed;
  }
  if (!ok) throw ArgValueError(env, "not a net.inet.ip.portrange.* sysctl name: " + name.substr(0, 64));
  return name;
}

// Remedies are added in TypeScript (packages/bsd/src/sysctl-errors.ts), which knows securelevel and jails.
Napi::Error SysctlError(Napi::Env env, int err, const std::string& name) {
  OsFailure failure;
  failure.Set(err, "sysctlbyname", name);
  return SystemError(env, failure);
}

int ReadOrThrow(Napi::Env env, const std::string& name) {
  int value = 0;
  SysctlStatus status = ReadInt(name, &value);
  if (status.err != 0) throw SysctlError(env, status.err, name);
  if (status.size != sizeof value) {
    Napi::Error error = Napi::Error::New(
        env, name + " is not an int sysctl (the kernel returned " + std::to_string(status.size) + " bytes)");
    error.Set("code", Napi::String::New(env, "ERR_EPHEMERAL_PARSE"));
    error.Set("path", Napi::String::New(env, name));
    throw error;
  }
  return value;
}

// readInt(name: string): number
Napi::Value ReadIntJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Napi::Number::New(env, ReadOrThrow(env, OidName(env, info[0])));
}

// readInts(names: string[]): number[] — one call for a whole reading; throws on the first failing name.
Napi::Value ReadIntsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throw ArgTypeError(env, "names must be an array of strings");
  Napi::Array names = info[0].As<Napi::Array>();
  if (names.Length() > 64) throw ArgValueError(env, "at most 64 names per call");
  Napi::Array out = Napi::Array::New(env, names.Length());
  for (uint32_t i = 0; i < names.Length(); i++) {
    out.Set(i, Napi::Number::New(env, ReadOrThrow(env, OidName(env, names.Get(i)))));
  }
  return out;
}

// writeInt(name: string, value: number): void
Napi::Value WriteIntJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = OidName(env, info[0]);
  if (!info[1].IsNumber()) throw ArgTypeError(env, "sysctl value must be a number");
  double raw = info[1].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(raw) || std::trunc(raw) != raw || raw < INT_MIN || raw > INT_MAX) {
    throw OutOfRangeError(env, "sysctl value must be an integer that fits a C int");
  }
  SysctlStatus status = WriteInt(name, static_cast<int>(raw));
  if (status.err != 0) throw SysctlError(env, status.err, name);
  return env.Undefined();
}

const char* KernelName() {
#if defined(__FreeBSD__)
  return "freebsd";
#elif defined(__APPLE__)
  return "darwin";
#else
  return "emulated";
#endif
}

}  // namespace

void RegisterSysctl(Napi::Env env, Napi::Object exports) {
  exports.Set("readInt", Napi::Function::New(env, ReadIntJs, "readInt"));
  exports.Set("readInts", Napi::Function::New(env, ReadIntsJs, "readInts"));
  exports.Set("writeInt", Napi::Function::New(env, WriteIntJs, "writeInt"));
  exports.Set("kernel", Napi::String::New(env, KernelName()));
}

}  // namespace bsd
}  // namespace ephemeral_ports
