// The socket census on the Linux addon's exports (census.cc).
//
// JS surface (typed in packages/linux/src/census/native-census.ts):
//   census({ method: 'auto' | 'bpf' | 'netlink', netns?, tcp, udp, v4, v6, inodes, bpfMinSockets })
//     -> Promise<{ records: ArrayBuffer, method: 'bpf' | 'netlink' }>
// `auto` takes the BPF iterators when the namespace holds at least `bpfMinSockets` sockets and they can run
// (root), else NETLINK_SOCK_DIAG. `bpf` and `netlink` insist and fail with their error.
// `records` holds fixed-size little-endian records (census_records.h), so tens of thousands of sockets cross into
// JS as one allocation instead of one object per socket.
#pragma once
#include <napi.h>

namespace ephemeral_ports {

void RegisterCensus(Napi::Env env, Napi::Object exports);

}  // namespace ephemeral_ports
