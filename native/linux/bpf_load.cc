// See bpf_load.h.
#include "bpf_load.h"

#include <errno.h>
#include <linux/btf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>

namespace ephemeral_ports {

const char* const kBpfPrivilegeRemedy =
    "BPF programs need root (CAP_BPF and CAP_PERFMON); without them the census uses NETLINK_SOCK_DIAG";

long Bpf(int cmd, bpf_attr* attr) { return syscall(__NR_bpf, cmd, attr, sizeof(*attr)); }

namespace {

// The last line of the verifier's log: why the kernel refused a program.
std::string VerifierReason(const bpf_attr& refused) {
  std::vector<char> log(1024 * 1024);
  bpf_attr attr = refused;
  attr.log_buf = reinterpret_cast<uintptr_t>(log.data());
  attr.log_size = static_cast<uint32_t>(log.size());
  attr.log_level = 1;
  int fd = static_cast<int>(Bpf(BPF_PROG_LOAD, &attr));
  if (fd >= 0) close(fd);
  std::string text(log.data(), strnlen(log.data(), log.size()));
  while (!text.empty() && text.back() == '\n') text.pop_back();
  // The summary line ("processed N insns ...") follows the reason.
  size_t line = text.rfind('\n');
  if (line != std::string::npos && text.compare(line + 1, 10, "processed ") == 0) {
    text.erase(line);
    line = text.rfind('\n');
  }
  return line == std::string::npos ? text : text.substr(line + 1);
}

// A BTF blob naming `count` functions of type `int f(void)`, static: all the verifier needs to accept
// subprograms. Types: [1] int, [2] the prototype, [3 ...] the functions. Returns the BTF's fd, or -1.
int LoadFunctionsBtf(size_t count, OsFailure* failure) {
  std::vector<uint32_t> types;
  std::string strings(1, '\0');
  auto name = [&](const std::string& n) {
    const uint32_t off = static_cast<uint32_t>(strings.size());
    strings += n;
    strings += '\0';
    return off;
  };
  auto type = [&](uint32_t name_off, uint32_t kind, uint32_t vlen, uint32_t size_or_type) {
    types.insert(types.end(), {name_off, (kind << 24) | vlen, size_or_type});
  };
  type(name("int"), BTF_KIND_INT, 0, 4);
  types.push_back(BTF_INT_SIGNED << 24 | 32);  // encoding, offset 0, 32 bits
  type(0, BTF_KIND_FUNC_PROTO, 0, 1);
  for (size_t i = 0; i < count; i++) type(name("ep_census_f" + std::to_string(i)), BTF_KIND_FUNC, BTF_FUNC_STATIC, 2);
  btf_header header;
  memset(&header, 0, sizeof(header));
  header.magic = BTF_MAGIC;
  header.version = BTF_VERSION;
  header.hdr_len = sizeof(header);
  header.type_len = static_cast<uint32_t>(types.size() * sizeof(uint32_t));
  header.str_off = header.type_len;
  header.str_len = static_cast<uint32_t>(strings.size());
  std::vector<uint8_t> blob(sizeof(header) + header.type_len + header.str_len);
  memcpy(blob.data(), &header, sizeof(header));
  memcpy(blob.data() + sizeof(header), types.data(), header.type_len);
  memcpy(blob.data() + sizeof(header) + header.type_len, strings.data(), header.str_len);
  bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.btf = reinterpret_cast<uintptr_t>(blob.data());
  attr.btf_size = static_cast<uint32_t>(blob.size());
  const int fd = static_cast<int>(Bpf(BPF_BTF_LOAD, &attr));
  if (fd < 0) {
    failure->Set(errno, "bpf", "");
    failure->remedy = failure->err == EPERM ? kBpfPrivilegeRemedy : "the kernel refused the census program's BTF";
  }
  return fd;
}

}  // namespace

int LoadIterProgram(const std::vector<bpf_insn>& code, const std::vector<uint32_t>& functions, int32_t target,
                    const char* name, OsFailure* failure) {
  int btf = -1;
  std::vector<bpf_func_info> info;
  if (functions.size() > 1) {
    btf = LoadFunctionsBtf(functions.size(), failure);
    if (btf < 0) return -1;
    for (size_t i = 0; i < functions.size(); i++) info.push_back({functions[i], static_cast<uint32_t>(3 + i)});
  }
  bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.prog_type = BPF_PROG_TYPE_TRACING;
  attr.expected_attach_type = BPF_TRACE_ITER;
  attr.attach_btf_id = static_cast<uint32_t>(target);
  attr.insns = reinterpret_cast<uintptr_t>(code.data());
  attr.insn_cnt = static_cast<uint32_t>(code.size());
  // GPL-compatible, as bpf_seq_write and kfuncs require; the programs are our own code, offered under MIT or GPL.
  attr.license = reinterpret_cast<uintptr_t>("Dual MIT/GPL");
  strncpy(attr.prog_name, name, sizeof(attr.prog_name) - 1);
  if (btf >= 0) {
    attr.prog_btf_fd = static_cast<uint32_t>(btf);
    attr.func_info = reinterpret_cast<uintptr_t>(info.data());
    attr.func_info_cnt = static_cast<uint32_t>(info.size());
    attr.func_info_rec_size = sizeof(bpf_func_info);
  }
  int prog = static_cast<int>(Bpf(BPF_PROG_LOAD, &attr));
  if (prog < 0) {
    failure->Set(errno, "bpf", "");
    if (failure->err == EPERM) failure->remedy = kBpfPrivilegeRemedy;
    else failure->remedy = std::string("the kernel refused the census program: ") + VerifierReason(attr);
  }
  if (btf >= 0) close(btf);
  return prog;
}

int AttachIterator(int prog, const void* iter_info, size_t iter_info_len, OsFailure* failure) {
  bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.link_create.prog_fd = static_cast<uint32_t>(prog);
  attr.link_create.attach_type = BPF_TRACE_ITER;
  attr.link_create.iter_info = reinterpret_cast<uintptr_t>(iter_info);
  attr.link_create.iter_info_len = static_cast<uint32_t>(iter_info_len);
  int link = static_cast<int>(Bpf(BPF_LINK_CREATE, &attr));
  if (link < 0) {
    failure->Set(errno, "bpf", "");
    failure->remedy = failure->err == EPERM ? kBpfPrivilegeRemedy : "the kernel refused to attach the census iterator";
  }
  return link;
}

}  // namespace ephemeral_ports
