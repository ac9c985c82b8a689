// The socket census on the Linux addon's exports (census.cc).
//
// JS surface (typed in packages/linux/src/census/native-census.ts):
//   census({ netns?, tcp, udp, v4, v6 }) -> Promise<ArrayBuffer>
// Every selected socket, listed by NETLINK_SOCK_DIAG in the caller's or the given namespace. The buffer holds
// fixed-size little-endian records (census_records.h), so tens of thousands of sockets cross into JS as one
// allocation instead of one object per socket. Failures reject with the errors of system_error.h.
//   census({ ..., aggregate: true }) -> Promise<{ records, states, stateOrder, ports, bound, destinations,
//                                                connectionDestination, connectionPort, connectionTimeWait }>
// The same records plus what the usage reports count (census_aggregate.h), counted on the pool thread.
//   census({ ..., owners: true }) -> the object above (or { records } without `aggregate`) with
//                                    owners: { pids, commands, counts, recordOwner }
// The owning processes, found through /proc/<pid>/fd and counted per process on the pool thread (census_owners.h).
#pragma once
#include <napi.h>

namespace ephemeral_ports {

void RegisterCensus(Napi::Env env, Napi::Object exports);

}  // namespace ephemeral_ports
