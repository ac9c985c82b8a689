// TEST ONLY. Models the port-range sysctls and the generic sysctl layer of FreeBSD and XNU, from their source:
// - freebsd-src sys/netinet/in_pcb.c `sysctl_net_ipport_check()`: every portrange OID is an int, handled by
//   sysctl_handle_int and then clamped silently with RANGECHK (lowfirst/lowlast to 1..IPPORT_RESERVED-1;
//   first/last/hifirst/hilast to IPPORT_RESERVED..IPPORT_MAX, sys/netinet/in.h); nothing orders the pair, and
//   `in_pcb_lport_dest()` swaps first > last when it picks a port. XNU bsd/netinet/in_pcb.c
//   `sysctl_net_ipport_check` clamps each written OID to the same bounds (low pair 1..1023, others 1024..65535).
// - the same file declares reservedlow/reservedhigh as plain SYSCTL_INT with CTLFLAG_SECURE (no RANGECHK);
//   freebsd-src sys/kern/kern_sysctl.c `sysctl_root()` refuses a write to a CTLFLAG_SECURE OID with
//   securelevel_gt() (EPERM) and an unprivileged write with EPERM before the handler runs;
// - kern_sysctl.c: an unknown name → ENOENT; `sysctl_new_user()` → EINVAL when newlen < sizeof(int);
//   `sysctl_old_user()` → ENOMEM when *oldlenp < sizeof(int).
// Neither kernel refuses a one-port or inverted pair: the hazard shows only when a port is picked. PickPort() runs
// the arithmetic of the kernels' pickers on the current state, and every write records whether a connect() right
// after it would trap:
// - FreeBSD sys/netinet/in_pcb.c `in_pcb_lport_dest()`: `if (first > last) { swap }`, then
//   `if (V_ipport_randomized) *lastport = first + (arc4random() % (last - first));` — no guard, so first == last
//   with randomized on is an integer division by zero in the kernel; then `count = last - first` and a scan
//   `++*lastport` wrapping to `first`.
// - XNU bsd/netinet/in_pcb.c `in_pcbbind()`: "No point in randomizing if only one port is available":
//   `if (first == last) randomport = 0;` — a one-port range is safe; first > last counts down from first.
#include "sysctl_double.h"

#include <cerrno>
#include <cstring>
#include <map>
#include <utility>

namespace sysctl_double {
namespace {

struct Oid {
  int value;
  bool clamped;  // subject to RANGECHK(min, max)
  int min;
  int max;
  bool secure;  // CTLFLAG_SECURE
};

struct State {
  Os os = Os::kFreeBSD;
  std::map<std::string, Oid> oids;
  bool root = true;
  int securelevel = -1;
  long fail_countdown = 0;
  int fail_errno = 0;
  std::map<std::string, int> forced;
  std::vector<WriteRecord> log;
  unsigned random = 12345;  // the double's arc4random()/read_frandom()
};

State& state() {
  static State s;
  return s;
}

const std::string kPrefix = "net.inet.ip.portrange.";
constexpr int kReserved = 1024;  // IPPORT_RESERVED
constexpr int kPortMax = 65535;  // IPPORT_MAX / USHRT_MAX

void Define(const char* leaf, int value, bool clamped, int min, int max, bool secure = false) {
  state().oids[kPrefix + leaf] = Oid{value, clamped, min, max, secure};
}

int Value(const char* leaf) {
  auto it = state().oids.find(kPrefix + leaf);
  return it == state().oids.end() ? -1 : it->second.value;
}

int Fail(int err) {
  errno = err;
  return -1;
}

}  // namespace

void Reset(Os os) {
  state() = State{};
  state().os = os;
  const bool freebsd = os == Os::kFreeBSD;
  Define("lowfirst", 1023, true, 1, kReserved - 1);
  Define("lowlast", 600, true, 1, kReserved - 1);
  Define("first", freebsd ? 10000 : 49152, true, kReserved, kPortMax);
  Define("last", 65535, true, kReserved, kPortMax);
  Define("hifirst", 49152, true, kReserved, kPortMax);
  Define("hilast", 65535, true, kReserved, kPortMax);
  if (freebsd) {
    Define("reservedhigh", 1023, false, 0, 0, true);
    Define("reservedlow", 0, false, 0, 0, true);
    Define("randomized", 1, false, 0, 0);
  } else {
    Define("ipport_allow_udp_port_exhaustion", 0, false, 0, 0);
  }
}

bool Get(const std::string& name, int* value) {
  auto it = state().oids.find(name);
  if (it == state().oids.end()) return false;
  *value = it->second.value;
  return true;
}

bool Poke(const std::string& name, int value) {
  auto it = state().oids.find(name);
  if (it == state().oids.end()) return false;
  it->second.value = value;
  return true;
}

bool Remove(const std::string& name) { return state().oids.erase(name) == 1; }
void SetRoot(bool root) { state().root = root; }
void SetSecurelevel(int level) { state().securelevel = level; }

void FailWrite(long nth, int err) {
  state().fail_countdown = nth;
  state().fail_errno = err;
}

void ClampRange(int min, int max) {
  for (const char* leaf : {"first", "last", "hifirst", "hilast"}) {
    auto it = state().oids.find(kPrefix + leaf);
    if (it != state().oids.end()) {
      it->second.min = min;
      it->second.max = max;
    }
  }
}

void ForceStore(const std::string& name, int value) { state().forced[name] = value; }
std::vector<WriteRecord> WriteLog() { return state().log; }

Pick PickPort() {
  State& s = state();
  s.random = s.random * 1103515245u + 12345u;
  // The kernels read the ints as u_short (in_pcb.c: `u_short first, last`).
  unsigned first = static_cast<unsigned short>(Value("first"));
  unsigned last = static_cast<unsigned short>(Value("last"));
  if (s.os == Os::kFreeBSD) {
    if (first > last) std::swap(first, last);
    if (Value("randomized") != 0) {
      if (last - first == 0) return Pick{true, 0};  // arc4random() % (last - first): divide by zero
      return Pick{false, static_cast<int>(first + s.random % (last - first) + 1)};
    }
    return Pick{false, static_cast<int>(first)};
  }
  // XNU: a one-port range turns randomization off; first > last counts down from first.
  if (first == last) return Pick{false, static_cast<int>(first)};
  const unsigned lo = first < last ? first : last;
  const unsigned hi = first < last ? last : first;
  return Pick{false, static_cast<int>(lo + s.random % (hi - lo + 1))};
}

}  // namespace sysctl_double

extern "C" int sysctlbyname(const char* name, void* oldp, std::size_t* oldlenp, const void* newp,
                            std::size_t newlen) {
  using namespace sysctl_double;
  State& s = state();
  if (name == nullptr) return Fail(EFAULT);
  auto it = s.oids.find(name);
  if (it == s.oids.end()) return Fail(ENOENT);
  Oid& oid = it->second;

  if (newp != nullptr) {
    // kern_sysctl.c checks privilege before the handler runs; SYSCTL_IN then checks the length.
    if (oid.secure && s.securelevel > 0) return Fail(EPERM);
    if (!s.root) return Fail(EPERM);
    if (newlen < sizeof(int)) return Fail(EINVAL);
    if (s.fail_countdown > 0 && --s.fail_countdown == 0) return Fail(s.fail_errno);
  }
  if (oldp != nullptr) {
    if (oldlenp == nullptr) return Fail(EFAULT);
    if (*oldlenp < sizeof(int)) {
      *oldlenp = sizeof(int);
      return Fail(ENOMEM);
    }
    std::memcpy(oldp, &oid.value, sizeof(int));
    *oldlenp = sizeof(int);
  } else if (oldlenp != nullptr) {
    *oldlenp = sizeof(int);
  }
  if (newp != nullptr) {
    int requested = 0;
    std::memcpy(&requested, newp, sizeof(int));
    int stored = requested;
    if (oid.clamped) {  // RANGECHK(var, min, max)
      if (stored < oid.min) {
        stored = oid.min;
      } else if (stored > oid.max) {
        stored = oid.max;
      }
    }
    auto forced = s.forced.find(name);
    if (forced != s.forced.end()) {
      stored = forced->second;
      s.forced.erase(forced);
    }
    oid.value = stored;
    const Pick pick = PickPort();
    s.log.push_back(WriteRecord{name, requested, stored, Value("first"), Value("last"), pick.trap});
  }
  return 0;
}
