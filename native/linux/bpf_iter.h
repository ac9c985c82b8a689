// The census through BPF socket iterators (bpf_iter tcp/udp): the kernel runs a small program of ours on every
// socket in its hash tables and the program writes our census record (census_records.h) straight into the
// iterator's read buffer. No netlink message is built per socket, so a TCP census costs about half of
// NETLINK_SOCK_DIAG's (30,000 sockets: ~10 ms against ~21 ms on the bench machine).
//
// Needs CAP_BPF + CAP_PERFMON (or root), kernel BTF and a kernel >= 5.9; anything else is a failure the caller
// answers with sock_diag. The iterators do not see TCP sockets that are bound but neither listening nor connected
// (they live only in the bind table): census.cc lists those with a sock_diag dump beside the iterator.
#pragma once
#include "census_records.h"
#include "os_failure.h"

namespace ephemeral_ports {

enum class IterProtocol { kTcp = 0, kUdp = 1 };

// A new iterator over the sockets of the calling thread's network namespace (fixed at creation), or -1 with
// `failure` set. The program for `protocol` is loaded on first use and kept for the process; `inodes` selects the
// variant that also follows each full socket to its inode (~2x the per-socket cost, so only when owners are
// wanted). Thread-safe; a failure to load is remembered and returned again.
int OpenBpfIterator(IterProtocol protocol, bool inodes, OsFailure* failure);

// Reads an iterator to its end into `out` (the caller closes it).
bool ReadBpfIterator(int iter_fd, RecordBuffer* out, OsFailure* failure);

}  // namespace ephemeral_ports
