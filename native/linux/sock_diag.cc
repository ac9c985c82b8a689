// Placeholder until the census lands: registers nothing, so the addon builds without it.
#include "sock_diag.h"

namespace ephemeral_ports {
void RegisterCensus(Napi::Env, Napi::Object) {}
}
