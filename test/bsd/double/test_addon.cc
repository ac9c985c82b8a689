// TEST ONLY. Entry point of the emulated addon: the shipped native/bsd surface plus `double`, the controls of the
// sysctlbyname() double. Built by test/bsd/build-emulated-addon.ts into test/bsd/build/ (gitignored).
#include <napi.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "addon.h"
#include "sysctl_double.h"

namespace {

using sysctl_double::Os;

std::string Str(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::String>().Utf8Value(); }
int Int(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Int32Value(); }

int ErrnoByName(Napi::Env env, const std::string& name) {
  if (name == "EPERM") return EPERM;
  if (name == "EIO") return EIO;
  if (name == "EINVAL") return EINVAL;
  if (name == "EBUSY") return EBUSY;
  if (name == "ENOMEM") return ENOMEM;
  throw Napi::Error::New(env, "double: unknown errno name " + name);
}

Napi::Object Controls(Napi::Env env) {
  Napi::Object c = Napi::Object::New(env);
  c.Set("reset", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
          std::string os = Str(info, 0);
          if (os != "freebsd" && os != "darwin") {
            throw Napi::Error::New(info.Env(), "double: os must be freebsd|darwin");
          }
          sysctl_double::Reset(os == "freebsd" ? Os::kFreeBSD : Os::kDarwin);
        }));
  c.Set("get", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
          int v = 0;
          if (!sysctl_double::Get(Str(info, 0), &v)) return info.Env().Undefined();
          return Napi::Number::New(info.Env(), v);
        }));
  c.Set("poke", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
          if (!sysctl_double::Poke(Str(info, 0), Int(info, 1))) {
            throw Napi::Error::New(info.Env(), "double: no such OID");
          }
        }));
  c.Set("remove", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
          if (!sysctl_double::Remove(Str(info, 0))) throw Napi::Error::New(info.Env(), "double: no such OID");
        }));
  c.Set("setRoot", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
          sysctl_double::SetRoot(info[0].As<Napi::Boolean>().Value());
        }));
  c.Set("setSecurelevel", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
          sysctl_double::SetSecurelevel(Int(info, 0));
        }));
  c.Set("failWrite", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
          sysctl_double::FailWrite(Int(info, 0), ErrnoByName(info.Env(), Str(info, 1)));
        }));
  c.Set("clampRange", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
          sysctl_double::ClampRange(Int(info, 0), Int(info, 1));
        }));
  c.Set("forceStore", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
          sysctl_double::ForceStore(Str(info, 0), Int(info, 1));
        }));
  c.Set("writeLog", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
          Napi::Env e = info.Env();
          auto log = sysctl_double::WriteLog();
          Napi::Array out = Napi::Array::New(e, log.size());
          for (size_t i = 0; i < log.size(); i++) {
            Napi::Object r = Napi::Object::New(e);
            r.Set("name", log[i].name);
            r.Set("requested", log[i].requested);
            r.Set("stored", log[i].stored);
            r.Set("first", log[i].first);
            r.Set("last", log[i].last);
            r.Set("trap", log[i].trap);
            out.Set(static_cast<uint32_t>(i), r);
          }
          return out;
        }));
  // pickPort(): what connect() would get now: { trap } or { port }.
  c.Set("pickPort", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
          const sysctl_double::Pick pick = sysctl_double::PickPort();
          Napi::Object r = Napi::Object::New(info.Env());
          r.Set("trap", pick.trap);
          if (!pick.trap) r.Set("port", pick.port);
          return r;
        }));
  // rawWrite(name, value, newlen) / rawRead(name, oldlen): the errno of one direct call (0 on success), to check
  // the double's own length rules.
  c.Set("rawWrite", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
          int value = Int(info, 1);
          int rc = sysctlbyname(Str(info, 0).c_str(), nullptr, nullptr, &value, Int(info, 2));
          return Napi::Number::New(info.Env(), rc == 0 ? 0 : errno);
        }));
  c.Set("rawRead", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
          int value = 0;
          size_t len = Int(info, 1);
          int rc = sysctlbyname(Str(info, 0).c_str(), &value, &len, nullptr, 0);
          return Napi::Number::New(info.Env(), rc == 0 ? 0 : errno);
        }));
  return c;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  sysctl_double::Reset(Os::kFreeBSD);
  ephemeral_ports::bsd::RegisterSysctl(env, exports);
  exports.Set("double", Controls(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(ephemeral_ports_bsd_emulated, Init)
