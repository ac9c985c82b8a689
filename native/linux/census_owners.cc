// Owners of census sockets (census_owners.h): one walk of /proc/<pid>/fd with openat/readlinkat relative to each
// directory (no path building per descriptor), matched against an inode index of the records.
#include "census_owners.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <new>

#include "census_records.h"

namespace ephemeral_ports {
namespace {

constexpr uint8_t kTcp = 6;
constexpr uint8_t kTcpEstablished = 1;
constexpr uint8_t kTcpListen = 10;

uint32_t Get32(const uint8_t* r, size_t off) {
  return static_cast<uint32_t>(r[off]) | (static_cast<uint32_t>(r[off + 1]) << 8) |
         (static_cast<uint32_t>(r[off + 2]) << 16) | (static_cast<uint32_t>(r[off + 3]) << 24);
}

// inode -> record index. Open addressing, linear probing, at most half full; inode 0 never enters.
class InodeIndex {
 public:
  explicit InodeIndex(size_t expected) {
    size_t size = 64;
    while (size < expected * 2) size *= 2;
    inodes_.assign(size, 0);
    records_.assign(size, 0);
  }

  void Add(uint32_t inode, uint32_t record) {
    size_t mask = inodes_.size() - 1;
    for (size_t i = Hash(inode) & mask;; i = (i + 1) & mask) {
      if (inodes_[i] == 0) {
        inodes_[i] = inode;
        records_[i] = record;
        return;
      }
      if (inodes_[i] == inode) return;  // one socket per inode: keep the first record
    }
  }

  // The record of `inode`, or kNoOwner.
  uint32_t Find(uint32_t inode) const {
    size_t mask = inodes_.size() - 1;
    for (size_t i = Hash(inode) & mask;; i = (i + 1) & mask) {
      if (inodes_[i] == inode) return records_[i];
      if (inodes_[i] == 0) return kNoOwner;
    }
  }

 private:
  static size_t Hash(uint32_t v) { return static_cast<size_t>((v * 0x9e3779b97f4a7c15ULL) >> 20); }
  std::vector<uint32_t> inodes_;
  std::vector<uint32_t> records_;
};

bool AllDigits(const char* s) {
  if (*s == '\0') return false;
  for (; *s; s++)
    if (*s < '0' || *s > '9') return false;
  return true;
}

// "socket:[12345]" -> 12345; 0 for any other link target.
uint32_t SocketInode(const char* target, ssize_t length) {
  static const char kPrefix[] = "socket:[";
  constexpr ssize_t kPrefixLength = sizeof(kPrefix) - 1;
  if (length <= kPrefixLength + 1 || memcmp(target, kPrefix, kPrefixLength) != 0 || target[length - 1] != ']') return 0;
  uint64_t value = 0;
  for (ssize_t i = kPrefixLength; i < length - 1; i++) {
    if (target[i] < '0' || target[i] > '9') return 0;
    value = value * 10 + static_cast<uint64_t>(target[i] - '0');
    if (value > UINT32_MAX) return 0;
  }
  return static_cast<uint32_t>(value);
}

std::string ReadComm(int pid_dir) {
  int fd = openat(pid_dir, "comm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::string();
  char buffer[64];
  ssize_t n = read(fd, buffer, sizeof(buffer));
  close(fd);
  if (n <= 0) return std::string();
  if (buffer[n - 1] == '\n') n--;
  return std::string(buffer, static_cast<size_t>(n));
}

// Counts every descriptor of one process that is a census socket without an owner yet; the process enters `out`
// with its first such socket.
void WalkProcess(int proc_dir, const char* pid_name, const uint8_t* records, const InodeIndex& index, CensusOwners* out) {
  int pid_dir = openat(proc_dir, pid_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (pid_dir < 0) return;
  int fd_dir = openat(pid_dir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR* fds = fd_dir < 0 ? nullptr : fdopendir(fd_dir);
  if (fds == nullptr) {
    if (fd_dir >= 0) close(fd_dir);
    close(pid_dir);
    return;  // exited, or not ours to inspect
  }
  uint32_t owner = kNoOwner;
  char target[64];
  for (struct dirent* entry; (entry = readdir(fds)) != nullptr;) {
    if (entry->d_name[0] == '.') continue;
    ssize_t length = readlinkat(fd_dir, entry->d_name, target, sizeof(target));
    if (length <= 0) continue;
    uint32_t inode = SocketInode(target, length);
    if (inode == 0) continue;
    uint32_t record = index.Find(inode);
    if (record == kNoOwner || out->record_owner[record] != kNoOwner) continue;
    if (owner == kNoOwner) {
      owner = static_cast<uint32_t>(out->pids.size());
      out->pids.push_back(static_cast<uint32_t>(strtoul(pid_name, nullptr, 10)));
      out->commands.push_back(ReadComm(pid_dir));
      out->counts.resize(out->counts.size() + kOwnerCounts, 0);
    }
    out->record_owner[record] = owner;
    const uint8_t* r = records + static_cast<size_t>(record) * kCensusRecordSize;
    uint32_t* counts = &out->counts[static_cast<size_t>(owner) * kOwnerCounts];
    if (r[kRecProtocol] != kTcp) {
      counts[kOwnerUdp]++;
      continue;
    }
    counts[kOwnerTcp]++;
    if (r[kRecState] == kTcpListen) counts[kOwnerListening]++;
    if (r[kRecState] == kTcpEstablished) counts[kOwnerEstablished]++;
  }
  closedir(fds);  // closes fd_dir
  close(pid_dir);
}

}  // namespace

bool FindOwners(const uint8_t* records, size_t count, const char* proc_root, CensusOwners* out) {
  try {
    out->record_owner.assign(count, kNoOwner);
    size_t with_inode = 0;
    for (size_t i = 0; i < count; i++)
      if (Get32(records + i * kCensusRecordSize, kRecInode) != 0) with_inode++;
    if (with_inode == 0) return true;
    InodeIndex index(with_inode);
    for (size_t i = 0; i < count; i++) {
      uint32_t inode = Get32(records + i * kCensusRecordSize, kRecInode);
      if (inode != 0) index.Add(inode, static_cast<uint32_t>(i));
    }
    int proc_fd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (proc_fd < 0) return true;  // no /proc (a sandbox): no owners, as for processes we may not inspect
    DIR* proc = fdopendir(proc_fd);
    if (proc == nullptr) {
      close(proc_fd);
      return true;
    }
    size_t found = 0;
    for (struct dirent* entry; (entry = readdir(proc)) != nullptr && found < with_inode;) {
      if (!AllDigits(entry->d_name)) continue;
      const size_t before = out->pids.size();
      WalkProcess(proc_fd, entry->d_name, records, index, out);
      if (out->pids.size() != before) {
        const uint32_t* c = &out->counts[before * kOwnerCounts];
        found += c[kOwnerTcp] + c[kOwnerUdp];
      }
    }
    closedir(proc);
    return true;
  } catch (const std::bad_alloc&) {
    return false;
  }
}

}  // namespace ephemeral_ports
