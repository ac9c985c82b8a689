// TEST ONLY. A user-space stand-in for the FreeBSD / XNU sysctl(3) entry point, so native/bsd compiles and runs on
// Linux. It never ships: only test/bsd/build-emulated-addon.ts links it.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

extern "C" int sysctlbyname(const char* name, void* oldp, std::size_t* oldlenp, const void* newp,
                            std::size_t newlen);

namespace sysctl_double {

enum class Os { kFreeBSD, kDarwin };

struct WriteRecord {
  std::string name;
  int requested;
  int stored;
  // net.inet.ip.portrange.first / last as visible right after this write.
  int first;
  int last;
  // A connect() in the state this write left would trap in the kernel (see PickPort).
  bool trap;
};

// What the kernel's port choice for connect() / bind(0) would do in the current state of first/last/randomized.
struct Pick {
  bool trap;  // FreeBSD: the integer division by zero of in_pcb_lport_dest() (one-port range, randomized on)
  int port;   // the port chosen when !trap
};

// Control surface for tests (exported to JS by test_addon.cc).
void Reset(Os os);
bool Get(const std::string& name, int* value);
bool Poke(const std::string& name, int value);  // raw store, no clamping: e.g. a swapped pair
bool Remove(const std::string& name);           // an OID this OS version lacks
void SetRoot(bool root);
void SetSecurelevel(int level);
void FailWrite(long nth, int err);              // the nth write attempt from now fails with err, changing nothing
void ClampRange(int min, int max);              // another kernel's bounds for first/last/hifirst/hilast
void ForceStore(const std::string& name, int value);  // the next write of name stores value instead
std::vector<WriteRecord> WriteLog();
Pick PickPort();

}  // namespace sysctl_double
