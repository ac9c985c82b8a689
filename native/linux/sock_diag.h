// NETLINK_SOCK_DIAG dumps (inet_diag) as census records (census_records.h). The sockets belong to the network
// namespace of the thread that opened `fd` (census.cc opens it inside the requested one).
#pragma once
#include "census_records.h"
#include "os_failure.h"

namespace ephemeral_ports {

// Which sockets a census lists.
struct CensusSelection {
  bool tcp = true, udp = true, v4 = true, v6 = true;
};

// A NETLINK_SOCK_DIAG socket in the calling thread's namespace, or -1 with `failure` set.
int OpenDiagSocket(OsFailure* failure);

// Every selected socket, in every state the kernel can dump: with TCP_BOUND_INACTIVE (Linux >= 6.7) that includes
// TCP sockets that are bound but neither listening nor connected, which /proc/net/tcp never shows.
bool SockDiagCensus(int fd, const CensusSelection& what, RecordBuffer* out, OsFailure* failure);

}  // namespace ephemeral_ports
