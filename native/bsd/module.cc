// Entry point of the shipped addon (packages/bsd). Test builds use their own entry point.
#include <napi.h>

#include "addon.h"

namespace {
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  ephemeral_ports::bsd::RegisterSysctl(env, exports);
  return exports;
}
}  // namespace

NODE_API_MODULE(ephemeral_ports_bsd, Init)
