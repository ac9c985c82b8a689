#include "procfs.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace ephemeral_ports {
namespace {

constexpr const char* kPortRangePath = "/proc/sys/net/ipv4/ip_local_port_range";
constexpr const char* kReservedPortsPath = "/proc/sys/net/ipv4/ip_local_reserved_ports";
constexpr const char* kUnprivilegedStartPath = "/proc/sys/net/ipv4/ip_unprivileged_port_start";

// Retries EINTR, which signals delivered to Node's threads can cause.
int OpenRetrying(const char* path, int flags) {
  int fd;
  do {
    fd = open(path, flags | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

bool Fail(OsFailure* failure, int err, const char* syscall, const char* path) {
  failure->Set(err, syscall, path);
  return false;
}

// A sysctl file is read in one read() at offset 0: the kernel formats the whole value into the caller's buffer and
// answers a read at any later offset with end of file (kernel/sysctl.c), so a value longer than the buffer would be
// cut in the middle of a number. The buffer grows until the value fits; the longest reserved-ports list (every other
// port) is about 250 KiB.
constexpr size_t kMaxKnobText = size_t{4} << 20;

bool ReadWhole(int fd, const char* path, std::string* text, OsFailure* failure) {
  for (size_t size = 4096;; size *= 4) {
    text->resize(size);
    ssize_t n;
    do {
      n = pread(fd, &(*text)[0], size, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return Fail(failure, errno, "read", path);
    if (static_cast<size_t>(n) < size) {
      text->resize(static_cast<size_t>(n));
      return true;
    }
    if (size >= kMaxKnobText) {
      failure->SetCondition("ERR_EPHEMERAL_PARSE", "holds more than " + std::to_string(kMaxKnobText) + " bytes", "read", path);
      return false;
    }
  }
}

bool ReadPath(const char* path, std::string* text, OsFailure* failure) {
  int fd = OpenRetrying(path, O_RDONLY);
  if (fd < 0) return Fail(failure, errno, "open", path);
  bool ok = ReadWhole(fd, path, text, failure);
  close(fd);
  return ok;
}

}  // namespace

bool KnobFromName(const std::string& name, Knob* knob) {
  if (name == "ip_local_port_range") *knob = Knob::kPortRange;
  else if (name == "ip_local_reserved_ports") *knob = Knob::kReservedPorts;
  else if (name == "ip_unprivileged_port_start") *knob = Knob::kUnprivilegedPortStart;
  else return false;
  return true;
}

const char* KnobPath(Knob knob) {
  switch (knob) {
    case Knob::kPortRange: return kPortRangePath;
    case Knob::kReservedPorts: return kReservedPortsPath;
    case Knob::kUnprivilegedPortStart: return kUnprivilegedStartPath;
  }
  return kPortRangePath;
}

bool ReadKnob(Knob knob, std::string* text, OsFailure* failure) {
  return ReadPath(KnobPath(knob), text, failure);
}

bool ExchangeKnob(Knob knob, const std::string& value, std::string* previous, std::string* current,
                  OsFailure* failure) {
  const char* path = KnobPath(knob);
  if (!ReadPath(path, previous, failure)) return false;
  // Open for writing separately: a read-only caller gets EACCES here, before anything changes.
  int fd = OpenRetrying(path, O_WRONLY);
  if (fd < 0) return Fail(failure, errno, "open", path);
  ssize_t written;
  do {
    written = pwrite(fd, value.data(), value.size(), 0);
  } while (written < 0 && errno == EINTR);
  int write_errno = errno;
  close(fd);
  if (written < 0) return Fail(failure, write_errno, "write", path);
  if (static_cast<size_t>(written) != value.size()) {
    // The kernel parses at most one page of a list per write() and applied only that part: no errno says so.
    failure->SetCondition(knob == Knob::kReservedPorts ? "ERR_EPHEMERAL_INVALID_PORT_LIST" : "ERR_EPHEMERAL_READBACK_MISMATCH",
                          "the kernel accepted only " + std::to_string(written) + " of " + std::to_string(value.size()) +
                              " bytes in one write",
                          "write", path);
    failure->remedy = "shorten the value";
    return false;
  }
  return ReadPath(path, current, failure);
}

bool ParsePortRange(const char* text, size_t length, uint32_t* low, uint32_t* high) {
  uint32_t values[2] = {0, 0};
  size_t i = 0;
  for (int v = 0; v < 2; v++) {
    while (i < length && (text[i] == ' ' || text[i] == '\t')) i++;
    size_t digits = 0;
    while (i < length && text[i] >= '0' && text[i] <= '9' && digits < 6) {
      values[v] = values[v] * 10 + static_cast<uint32_t>(text[i] - '0');
      i++;
      digits++;
    }
    if (digits == 0 || values[v] > 65535) return false;
  }
  *low = values[0];
  *high = values[1];
  return true;
}

bool ReadPortRangeFast(uint32_t* low, uint32_t* high, OsFailure* failure) {
  // Opened once per process: the file keeps resolving to the namespace it was opened in, which is the
  // process's own because this addon never moves the JS thread to another namespace.
  static std::atomic<int> cached_fd{-1};
  int fd = cached_fd.load(std::memory_order_acquire);
  if (fd < 0) {
    int fresh = OpenRetrying(kPortRangePath, O_RDONLY);
    if (fresh < 0) return Fail(failure, errno, "open", kPortRangePath);
    int expected = -1;
    if (cached_fd.compare_exchange_strong(expected, fresh, std::memory_order_acq_rel)) {
      fd = fresh;
    } else {
      close(fresh);  // another thread (worker) won the race
      fd = expected;
    }
  }
  char buffer[32];
  ssize_t n;
  do {
    n = pread(fd, buffer, sizeof buffer, 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return Fail(failure, errno, "read", kPortRangePath);
  if (!ParsePortRange(buffer, static_cast<size_t>(n), low, high)) {
    failure->SetCondition("ERR_EPHEMERAL_PARSE", "not two port numbers: \"" + std::string(buffer, static_cast<size_t>(n)) + "\"",
                          "read", kPortRangePath);
    return false;
  }
  return true;
}

}  // namespace ephemeral_ports
