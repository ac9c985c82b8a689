// Socket census through NETLINK_SOCK_DIAG (inet_diag_req_v2): registered on the Linux addon's exports.
#pragma once
#include <napi.h>

namespace ephemeral_ports {
void RegisterCensus(Napi::Env env, Napi::Object exports);
}
