#include "sysctl_int.h"

#include <cerrno>

#if defined(__FreeBSD__) || defined(__APPLE__)
#include <sys/types.h>
#include <sys/sysctl.h>
#elif defined(EP_SYSCTL_DOUBLE)
// Test builds only: test/bsd/double provides sysctlbyname() with the documented kernel behaviour.
#include "sysctl_double.h"
#else
#error "native/bsd builds only on FreeBSD or macOS; on other systems the backends use their sysctl(8) fallback"
#endif

namespace ephemeral_ports {
namespace bsd {

SysctlStatus ReadInt(const std::string& name, int* value) {
  int v = 0;
  std::size_t len = sizeof v;
  if (sysctlbyname(name.c_str(), &v, &len, nullptr, 0) != 0) return {errno, len};
  if (len == sizeof v) *value = v;
  return {0, len};
}

SysctlStatus WriteInt(const std::string& name, int value) {
  if (sysctlbyname(name.c_str(), nullptr, nullptr, &value, sizeof value) != 0) return {errno, sizeof value};
  return {0, sizeof value};
}

}  // namespace bsd
}  // namespace ephemeral_ports
