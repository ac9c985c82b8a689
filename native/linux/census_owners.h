// The owning processes of a census's sockets, found and counted in C++ (census({ ..., owners: true })).
// A socket's owner is a process with a descriptor on it: /proc/<pid>/fd/<n> links to "socket:[<inode>]", and the
// census record carries the same inode (sock_diag's idiag_inode). A socket held by several processes (inherited
// across fork) counts for the first one /proc lists, as `ss -p` would show it first. Processes we may not inspect
// (other users' without CAP_SYS_PTRACE) and processes that exit during the walk are skipped: their sockets stay
// without an owner. Sockets without an inode (TIME_WAIT, NEW_SYN_RECV) have none.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ephemeral_ports {

// Per owning process, in `counts` (kOwnerCounts uint32 each, in this order).
enum OwnerCount : size_t { kOwnerTcp, kOwnerUdp, kOwnerListening, kOwnerEstablished, kOwnerCounts };

struct CensusOwners {
  std::vector<uint32_t> pids;
  std::vector<std::string> commands;  // /proc/<pid>/comm, without its newline
  std::vector<uint32_t> counts;       // kOwnerCounts per process
  // Per census record: its owner's index in `pids`, or kNoOwner.
  std::vector<uint32_t> record_owner;
};

constexpr uint32_t kNoOwner = UINT32_MAX;

// Finds the owners of `count` records under `proc_root` (normally "/proc"); false when memory ran out.
bool FindOwners(const uint8_t* records, size_t count, const char* proc_root, CensusOwners* out);

}  // namespace ephemeral_ports
