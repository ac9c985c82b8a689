// The running kernel's type information (/sys/kernel/btf/vmlinux), read just far enough to assemble the census's
// BPF programs for this kernel: the type id a BPF iterator attaches to, and where struct members lie. This is what
// libbpf's CO-RE relocations do for compiled programs; our programs are a few dozen instructions built at run time
// (bpf_iter.cc), so a small reader replaces the library.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "os_failure.h"

namespace ephemeral_ports {

class KernelBtf {
 public:
  KernelBtf() = default;
  KernelBtf(const KernelBtf&) = delete;
  KernelBtf& operator=(const KernelBtf&) = delete;
  ~KernelBtf();

  // Maps (or, where the kernel cannot map it, reads) the file and indexes its types.
  bool Open(OsFailure* failure, const char* path = "/sys/kernel/btf/vmlinux");

  // A type looked up by name and BTF kind (BTF_KIND_*); `id` is -1 until found.
  struct Query {
    const char* name;
    uint32_t kind;
    int32_t id = -1;
  };

  // Resolves every query in one pass over the types (a pass costs ~0.3 ms on a distribution kernel).
  void Find(Query* queries, size_t count) const;

  // Byte offset of `member` inside struct/union `type_id`, looking through anonymous structs and unions; -1 when
  // absent or a bitfield.
  long MemberOffset(int32_t type_id, const char* member) const;

  // Size in bytes of struct/union `type_id`; -1 when it is not one.
  long StructSize(int32_t type_id) const;

 private:
  const char* Name(uint32_t offset) const;
  uint32_t SkipQualifiers(uint32_t id) const;
  // The record of type `id`, or nullptr: from the nearest checkpoint, a few records forward.
  const uint8_t* Type(uint32_t id) const;

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  bool mapped_ = false;
  std::vector<uint8_t> copy_;  // the file's bytes when it could not be mapped
  const char* strings_ = nullptr;
  uint32_t strings_size_ = 0;
  // Where every kCheckpoint-th type starts. Why not every type: a full index is 1 MB of fresh memory, whose page
  // faults cost more (~5 ms on a VM) than everything else here; the few lookups walk at most 63 records instead.
  static constexpr uint32_t kCheckpoint = 64;
  std::vector<const uint8_t*> checkpoints_;
  const uint8_t* types_end_ = nullptr;
  uint32_t type_count_ = 0;  // ids run from 1 to type_count_; 0 is void
};

// The offset of a member reached through nested members: the sum of the parts, or -1 if any is missing.
inline long OffsetPath(std::initializer_list<long> parts) {
  long sum = 0;
  for (long p : parts) {
    if (p < 0) return -1;
    sum += p;
  }
  return sum;
}

// True when every offset (or id) was found, i.e. none is -1.
inline bool AllFound(std::initializer_list<long> values) {
  for (long v : values) {
    if (v < 0) return false;
  }
  return true;
}

// Where the census programs read a socket's identity, in struct sock_common (every TCP and UDP socket object
// starts with or contains one); -1 = not found.
struct SockCommonOffsets {
  long family = -1, state = -1, num = -1, dport = -1, daddr = -1, rcv_saddr = -1, v6_daddr = -1, v6_rcv_saddr = -1;

  void Read(const KernelBtf& btf, int32_t sock_common) {
    family = btf.MemberOffset(sock_common, "skc_family");
    state = btf.MemberOffset(sock_common, "skc_state");
    num = btf.MemberOffset(sock_common, "skc_num");
    dport = btf.MemberOffset(sock_common, "skc_dport");
    daddr = btf.MemberOffset(sock_common, "skc_daddr");
    rcv_saddr = btf.MemberOffset(sock_common, "skc_rcv_saddr");
    v6_daddr = btf.MemberOffset(sock_common, "skc_v6_daddr");
    v6_rcv_saddr = btf.MemberOffset(sock_common, "skc_v6_rcv_saddr");
  }
  bool Found() const { return AllFound({family, state, num, dport, daddr, rcv_saddr, v6_daddr, v6_rcv_saddr}); }
};

}  // namespace ephemeral_ports
