#include "procfs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "netns_thread.h"

namespace ephemeral_ports {
namespace {

constexpr const char* kPortRangePath = "/proc/sys/net/ipv4/ip_local_port_range";
constexpr const char* kReservedPortsPath = "/proc/sys/net/ipv4/ip_local_reserved_ports";
constexpr const char* kUnprivilegedStartPath = "/proc/sys/net/ipv4/ip_unprivileged_port_start";
constexpr const char* kTcpTwReusePath = "/proc/sys/net/ipv4/tcp_tw_reuse";

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
  // A reused buffer starts at the size a long list once needed, so that list costs one read, not several.
  for (size_t size = std::max<size_t>(4096, text->capacity());; size *= 4) {
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

constexpr int kKnobCount = 4;

// One namespace's open knob files, by Knob; closed with the namespace's slot or the thread.
class KnobFds {
 public:
  KnobFds() = default;
  KnobFds(const KnobFds&) = delete;
  KnobFds& operator=(const KnobFds&) = delete;
  ~KnobFds() { CloseAll(); }
  int& operator[](Knob knob) { return fd_[static_cast<int>(knob)]; }
  void CloseAll() {
    for (int& fd : fd_) {
      if (fd >= 0) close(fd);
      fd = -1;
    }
  }

 private:
  int fd_[kKnobCount] = {-1, -1, -1, -1};
};

// A namespace file's identity: its nsfs inode, the same through /proc/<pid>/ns/net and /run/netns/<name>.
struct NsKey {
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const NsKey& o) const { return dev == o.dev && ino == o.ino; }
};

struct NetnsSlot {
  bool used = false;
  NsKey key;
  uint64_t last_use = 0;
  KnobFds fds;
};

// A few namespaces per thread; the least recently used one gives its slot (and closes its files) to a new one.
constexpr int kNetnsSlots = 4;

// Per thread, so worker threads never share a descriptor or race over the table; a thread's files close when it ends.
struct ThreadCache {
  KnobFds own;
  NetnsSlot slots[kNetnsSlots];
  uint64_t clock = 0;
  std::string text;  // reused for the knob text, so a read allocates nothing once warm
};

thread_local ThreadCache cache;

NetnsSlot* SlotFor(ThreadCache& c, const NsKey& key) {
  NetnsSlot* victim = &c.slots[0];
  for (NetnsSlot& slot : c.slots) {
    if (slot.used && slot.key == key) {
      slot.last_use = ++c.clock;
      return &slot;
    }
    if (!slot.used) {
      if (victim->used) victim = &slot;
    } else if (victim->used && slot.last_use < victim->last_use) {
      victim = &slot;
    }
  }
  victim->fds.CloseAll();
  victim->used = true;
  victim->key = key;
  victim->last_use = ++c.clock;
  return victim;
}

// Opens `knob` here (own namespace) or on a thread inside `netns`, and says which namespace that was.
bool OpenKnob(Knob knob, const std::string& netns, int* fd, NsKey* opened_in, OsFailure* failure) {
  const char* path = KnobPath(knob);
  if (netns.empty()) {
    *fd = OpenRetrying(path, O_RDONLY);
    return *fd >= 0 || Fail(failure, errno, "open", path);
  }
  return RunInNetns(
      netns,
      [&](OsFailure* f) {
        constexpr const char* kSelf = "/proc/thread-self/ns/net";
        struct stat st;
        if (stat(kSelf, &st) != 0) return Fail(f, errno, "stat", kSelf);
        opened_in->dev = st.st_dev;
        opened_in->ino = st.st_ino;
        *fd = OpenRetrying(path, O_RDONLY);
        return *fd >= 0 || Fail(f, errno, "open", path);
      },
      failure);
}

// Runs `read(fd, failure)` on the cached descriptor of `knob` in `netns`, opening it first when there is none. A read
// that fails with an errno (the namespace is gone, say) closes the descriptor and is tried once more on a fresh one.
template <typename Read>
bool WithCachedFd(Knob knob, const std::string& netns, OsFailure* failure, Read read) {
  ThreadCache& c = cache;
  NetnsSlot* slot = nullptr;
  int* fd = &c.own[knob];
  if (!netns.empty()) {
    struct stat st;
    if (stat(netns.c_str(), &st) != 0) {
      // Uncached: entering the namespace reports why the path fails, as the open/setns it is.
      int once = -1;
      NsKey ignored;
      if (!OpenKnob(knob, netns, &once, &ignored, failure)) return false;
      bool ok = read(once, failure);
      close(once);
      return ok;
    }
    slot = SlotFor(c, NsKey{st.st_dev, st.st_ino});
    fd = &slot->fds[knob];
  }
  for (int attempt = 0;; attempt++) {
    if (*fd < 0) {
      NsKey opened_in;
      if (!OpenKnob(knob, netns, fd, &opened_in, failure)) return false;
      if (slot != nullptr && !(opened_in == slot->key)) {
        // The path was replaced between stat() and the thread's open: the slot now holds that namespace's file.
        int kept = *fd;
        *fd = -1;
        slot->fds.CloseAll();
        slot->key = opened_in;
        *fd = kept;
      }
    }
    OsFailure read_failure;
    if (read(*fd, &read_failure)) return true;
    if (read_failure.err == 0 || attempt > 0) {
      *failure = read_failure;
      return false;
    }
    close(*fd);
    *fd = -1;
  }
}

}  // namespace

bool ReadKnobCached(Knob knob, const std::string& netns, const std::string** text, OsFailure* failure) {
  const char* path = KnobPath(knob);
  std::string* buffer = &cache.text;
  *text = buffer;
  return WithCachedFd(knob, netns, failure, [&](int fd, OsFailure* f) { return ReadWhole(fd, path, buffer, f); });
}

bool KnobFromName(const std::string& name, Knob* knob) {
  if (name == "ip_local_port_range") *knob = Knob::kPortRange;
  else if (name == "ip_local_reserved_ports") *knob = Knob::kReservedPorts;
  else if (name == "ip_unprivileged_port_start") *knob = Knob::kUnprivilegedPortStart;
  else if (name == "tcp_tw_reuse") *knob = Knob::kTcpTwReuse;
  else return false;
  return true;
}

const char* KnobPath(Knob knob) {
  switch (knob) {
    case Knob::kPortRange: return kPortRangePath;
    case Knob::kReservedPorts: return kReservedPortsPath;
    case Knob::kUnprivilegedPortStart: return kUnprivilegedStartPath;
    case Knob::kTcpTwReuse: return kTcpTwReusePath;
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

bool ReadPortRangeCached(const std::string& netns, uint32_t* low, uint32_t* high, OsFailure* failure) {
  return WithCachedFd(Knob::kPortRange, netns, failure, [&](int fd, OsFailure* f) {
    char buffer[32];
    ssize_t n;
    do {
      n = pread(fd, buffer, sizeof buffer, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return Fail(f, errno, "read", kPortRangePath);
    if (ParsePortRange(buffer, static_cast<size_t>(n), low, high)) return true;
    f->SetCondition("ERR_EPHEMERAL_PARSE", "not two port numbers: \"" + std::string(buffer, static_cast<size_t>(n)) + "\"", "read",
                    kPortRangePath);
    return false;
  });
}

}  // namespace ephemeral_ports
