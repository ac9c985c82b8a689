// Loading the census's BPF programs (bpf_iter.cc, bpf_walk.cc) as iterators: the bpf() call, the load with the
// verifier's reason on refusal, and the iterator link that keeps a program alive.
#pragma once
#include <linux/bpf.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "os_failure.h"

namespace ephemeral_ports {

extern const char* const kBpfPrivilegeRemedy;

long Bpf(int cmd, bpf_attr* attr);

// Loads `code` as a tracing program for the iterator whose BTF FUNC id is `target`. `functions`: where each
// subprogram starts (bpf_loop callbacks), the main program's 0 first; a program with subprograms is loaded with a
// small BTF describing them, which the kernel requires. Returns the program's fd, or -1 with `failure` set (the
// verifier's last line in the remedy when it refused the program).
int LoadIterProgram(const std::vector<bpf_insn>& code, const std::vector<uint32_t>& functions, int32_t target,
                    const char* name, OsFailure* failure);

// Links a loaded iterator program (with `iter_info`, a bpf_iter_link_info, when not null): the link's fd, or -1.
int AttachIterator(int prog, const void* iter_info, size_t iter_info_len, OsFailure* failure);

}  // namespace ephemeral_ports
