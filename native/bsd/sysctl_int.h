// Integer sysctls by name (net.inet.ip.portrange.*): the only kernel calls of the BSD addon. No Node-API here, so
// the same code runs on FreeBSD, macOS and (linked against a test double) on Linux.
#pragma once
#include <cstddef>
#include <string>

namespace ephemeral_ports {
namespace bsd {

// Outcome of one sysctlbyname() call: err is 0 or an errno value; size is the length the kernel reported.
struct SysctlStatus {
  int err;
  std::size_t size;
};

// Reads an int OID. On success err == 0 and size == sizeof(int); a different size means the OID is not an int.
SysctlStatus ReadInt(const std::string& name, int* value);

// Writes an int OID. Kernels that clamp (FreeBSD, XNU) report success; callers must read back.
SysctlStatus WriteInt(const std::string& name, int value);

}  // namespace bsd
}  // namespace ephemeral_ports
