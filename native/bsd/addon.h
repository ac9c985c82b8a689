// The BSD addon's JS surface (typed in packages/bsd/src/native-port.ts as BsdSysctlAddon).
#pragma once
#include <napi.h>

namespace ephemeral_ports {
namespace bsd {

// Adds readInt(name), readInts(names), writeInt(name, value) and `kernel` to exports.
void RegisterSysctl(Napi::Env env, Napi::Object exports);

}  // namespace bsd
}  // namespace ephemeral_ports
