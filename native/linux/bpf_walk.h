// The TCP census by a walk of the kernel's TCP hash tables from BPF programs (the fast path of the BPF method).
//
// Why not only the bpf_iter_tcp iterator (bpf_iter.h): for every socket it takes the bucket lock, a reference,
// the socket lock and a cookie, ~330 ns per socket and ~4 ms per census on the 262,144-bucket table of a 24 GiB
// host, and it cannot see bound-only sockets, so a sock_diag dump of the bind table must run beside it. This
// program reads the tables the way the kernel's own lockless lookups do (__inet_lookup_established): under RCU,
// through fault-safe loads (bpf_rdonly_cast), following the "nulls" chains whose end marker says which bucket a
// walk ended in. It visits the listening table, the established table (with TIME_WAIT and request sockets) and
// the bind table (only for bound-only sockets), writes our census records into a memory-mapped array, and costs
// ~100 ns per socket: the kernel work of a 30,000-socket census takes ~5 ms instead of ~15 (the bind table is walked
// by a second program on a second thread meanwhile).
//
// Consistency, as with every census: a bucket is read without its lock, so a socket that changes state during
// the walk may show its old or its new state. A chain that ends in another bucket's marker (a socket was freed
// and reused while the walk stood on it) makes the whole walk run again; after a few such runs the caller takes
// the iterator. Bind-table entries are not RCU-protected: an entry read while it is being freed can only lead to
// sockets that are checked against this namespace, the CLOSE state and a bound port before they are listed.
//
// Needs root (CAP_BPF + CAP_PERFMON), kernel BTF and Linux >= 6.15 (bind-table owners linked through sock_common,
// the task iterator's filter, bpf_rdonly_cast to untyped memory). Anything else is a failure the caller answers
// with the iterator.
#pragma once
#include <cstddef>

#include "census_records.h"
#include "os_failure.h"

namespace ephemeral_ports {

// Appends every TCP socket (both families, all states, bound-only ones included) of the calling thread's network
// namespace to `out`. `expected` (sockets the caller counted, or 0) sizes the record array on first use; it grows
// when a walk overflows it. Thread-safe: walks run one at a time per process. False with `failure` set.
bool WalkTcpTables(bool inodes, size_t expected, RecordBuffer* out, OsFailure* failure);

}  // namespace ephemeral_ports
