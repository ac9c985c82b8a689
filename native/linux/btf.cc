// See btf.h. The format: a header, then the type records back to back (each a btf_type plus a kind-specific tail),
// then the string table; a type's id is its position, counting from 1.
#include "btf.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/btf.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ephemeral_ports {
namespace {

// Bytes that follow a btf_type of this kind; 0 for kinds without a tail.
size_t TailSize(const btf_type* t) {
  const uint32_t vlen = BTF_INFO_VLEN(t->info);
  switch (BTF_INFO_KIND(t->info)) {
    case BTF_KIND_INT: return sizeof(uint32_t);
    case BTF_KIND_ARRAY: return sizeof(btf_array);
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION: return vlen * sizeof(btf_member);
    case BTF_KIND_ENUM: return vlen * sizeof(btf_enum);
    case BTF_KIND_FUNC_PROTO: return vlen * sizeof(btf_param);
    case BTF_KIND_VAR: return sizeof(btf_var);
    case BTF_KIND_DATASEC: return vlen * sizeof(btf_var_secinfo);
    case BTF_KIND_DECL_TAG: return sizeof(btf_decl_tag);
    case BTF_KIND_ENUM64: return vlen * sizeof(btf_enum64);
    default: return 0;  // PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG
  }
}

const btf_type* AsType(const uint8_t* p) { return reinterpret_cast<const btf_type*>(p); }

}  // namespace

KernelBtf::~KernelBtf() {
  if (mapped_) munmap(const_cast<uint8_t*>(data_), size_);
}

bool KernelBtf::Open(OsFailure* failure, const char* path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    failure->Set(errno, "open", path);
    failure->remedy = "the kernel exposes no BTF type information (CONFIG_DEBUG_INFO_BTF)";
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size < static_cast<off_t>(sizeof(btf_header))) {
    failure->Set(errno ? errno : EINVAL, "fstat", path);
    close(fd);
    return false;
  }
  size_ = static_cast<size_t>(st.st_size);
  // Kernels >= 6.16 map the file without a copy (~0.2 ms); older ones need a read, ~20 ms of page faults here.
  void* p = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  if (p != MAP_FAILED) {
    data_ = static_cast<const uint8_t*>(p);
    mapped_ = true;
  } else {
    copy_.resize(size_);
    size_t got = 0;
    while (got < size_) {
      ssize_t n = pread(fd, copy_.data() + got, size_ - got, static_cast<off_t>(got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        failure->Set(n < 0 ? errno : EIO, "read", path);
        close(fd);
        return false;
      }
      got += static_cast<size_t>(n);
    }
    data_ = copy_.data();
  }
  close(fd);

  const btf_header* h = reinterpret_cast<const btf_header*>(data_);
  const uint64_t types_end = uint64_t{h->hdr_len} + h->type_off + h->type_len;
  const uint64_t strings_end = uint64_t{h->hdr_len} + h->str_off + h->str_len;
  if (h->magic != BTF_MAGIC || types_end > size_ || strings_end > size_ || h->str_len == 0) {
    failure->Set(EINVAL, "btf", path);
    failure->remedy = "the kernel's BTF is in a format this addon does not read";
    return false;
  }
  strings_ = reinterpret_cast<const char*>(data_ + h->hdr_len + h->str_off);
  strings_size_ = h->str_len;
  const uint8_t* at = data_ + h->hdr_len + h->type_off;
  types_end_ = at + h->type_len;
  checkpoints_.reserve(4096);
  for (uint32_t id = 1; at + sizeof(btf_type) <= types_end_; id++) {
    if (id % kCheckpoint == 0) checkpoints_.push_back(at);
    at += sizeof(btf_type) + TailSize(AsType(at));
    type_count_ = id;
  }
  return true;
}

const char* KernelBtf::Name(uint32_t offset) const { return offset < strings_size_ ? strings_ + offset : ""; }

const uint8_t* KernelBtf::Type(uint32_t id) const {
  if (id == 0 || id > type_count_) return nullptr;
  uint32_t at_id = id - id % kCheckpoint;
  const uint8_t* at;
  if (at_id == 0) {
    const btf_header* h = reinterpret_cast<const btf_header*>(data_);
    at = data_ + h->hdr_len + h->type_off;
    at_id = 1;
  } else {
    at = checkpoints_[at_id / kCheckpoint - 1];
  }
  for (; at_id < id; at_id++) at += sizeof(btf_type) + TailSize(AsType(at));
  return at;
}

void KernelBtf::Find(Query* queries, size_t count) const {
  // One pass; a name is compared only when kind and first letter match a query (a few thousand strcmp, not 2M).
  bool first_letter[256] = {};
  for (size_t q = 0; q < count; q++) first_letter[static_cast<uint8_t>(queries[q].name[0])] = true;
  size_t open = count;
  const uint8_t* at = data_ + reinterpret_cast<const btf_header*>(data_)->hdr_len + reinterpret_cast<const btf_header*>(data_)->type_off;
  for (uint32_t id = 1; id <= type_count_ && open > 0; id++) {
    const btf_type* t = AsType(at);
    at += sizeof(btf_type) + TailSize(t);
    if (t->name_off == 0) continue;
    const char* name = Name(t->name_off);
    if (!first_letter[static_cast<uint8_t>(name[0])]) continue;
    for (size_t q = 0; q < count; q++) {
      if (queries[q].id < 0 && BTF_INFO_KIND(t->info) == queries[q].kind && strcmp(name, queries[q].name) == 0) {
        queries[q].id = static_cast<int32_t>(id);
        open--;
      }
    }
  }
}

uint32_t KernelBtf::SkipQualifiers(uint32_t id) const {
  for (int depth = 0; depth < 16; depth++) {
    const uint8_t* record = Type(id);
    if (record == nullptr) return id;
    const btf_type* t = AsType(record);
    switch (BTF_INFO_KIND(t->info)) {
      case BTF_KIND_TYPEDEF:
      case BTF_KIND_VOLATILE:
      case BTF_KIND_CONST:
      case BTF_KIND_RESTRICT:
      case BTF_KIND_TYPE_TAG: id = t->type; break;
      default: return id;
    }
  }
  return id;
}

long KernelBtf::StructSize(int32_t type_id) const {
  const uint8_t* record = type_id > 0 ? Type(static_cast<uint32_t>(type_id)) : nullptr;
  if (record == nullptr) return -1;
  const uint32_t kind = BTF_INFO_KIND(AsType(record)->info);
  return kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION ? static_cast<long>(AsType(record)->size) : -1;
}

long KernelBtf::MemberOffset(int32_t type_id, const char* member) const {
  const uint8_t* record = type_id > 0 ? Type(static_cast<uint32_t>(type_id)) : nullptr;
  if (record == nullptr) return -1;
  const btf_type* t = AsType(record);
  const uint32_t kind = BTF_INFO_KIND(t->info);
  if (kind != BTF_KIND_STRUCT && kind != BTF_KIND_UNION) return -1;
  const btf_member* m = reinterpret_cast<const btf_member*>(t + 1);
  const bool kflag = BTF_INFO_KFLAG(t->info);
  for (uint32_t i = 0; i < BTF_INFO_VLEN(t->info); i++) {
    const uint32_t bits = kflag ? BTF_MEMBER_BIT_OFFSET(m[i].offset) : m[i].offset;
    const bool bitfield = kflag && BTF_MEMBER_BITFIELD_SIZE(m[i].offset) != 0;
    if (m[i].name_off != 0) {
      if (strcmp(Name(m[i].name_off), member) == 0) return bitfield || bits % 8 ? -1 : static_cast<long>(bits / 8);
      continue;
    }
    const long inner = MemberOffset(static_cast<int32_t>(SkipQualifiers(m[i].type)), member);  // anonymous member
    if (inner >= 0) return static_cast<long>(bits / 8) + inner;
  }
  return -1;
}

}  // namespace ephemeral_ports
