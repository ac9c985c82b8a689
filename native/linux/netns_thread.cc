#include "netns_thread.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <thread>

namespace ephemeral_ports {
namespace {

// nsfs's statfs magic (linux/magic.h NSFS_MAGIC). Typed as statfs's f_type: glibc calls it __fsword_t, musl has no
// such name.
constexpr decltype(statfs::f_type) kNsfsMagic = 0x6e736673;

// Opens the namespace file without blocking on whatever the path names: O_PATH opens nothing (a FIFO or a device in
// its place is never opened), fstatfs() checks that it is an nsfs file, and only then is it opened for real through
// the descriptor (/proc/self/fd), which reaches the same inode whatever the path names by then.
int OpenNamespace(const std::string& ns_path, OsFailure* failure) {
  int path_fd;
  do {
    path_fd = open(ns_path.c_str(), O_PATH | O_CLOEXEC);
  } while (path_fd < 0 && errno == EINTR);
  if (path_fd < 0) {
    failure->Set(errno, "open", ns_path);
    return -1;
  }
  struct statfs fs;
  struct stat st;
  if (fstatfs(path_fd, &fs) != 0 || fstat(path_fd, &st) != 0) {
    failure->Set(errno, "fstatfs", ns_path);
    close(path_fd);
    return -1;
  }
  if (fs.f_type != kNsfsMagic || !S_ISREG(st.st_mode)) {
    // Refused before anything could block; no syscall failed, so no errno: an argument error.
    failure->SetCondition("ERR_INVALID_ARG_VALUE",
                          "is not a namespace file (nsfs); use /proc/<pid>/ns/net of a running process or /run/netns/<name>",
                          "fstatfs", ns_path);
    close(path_fd);
    return -1;
  }
  std::string via_fd = "/proc/self/fd/" + std::to_string(path_fd);
  int fd;
  do {
    fd = open(via_fd.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  int open_errno = errno;
  close(path_fd);
  if (fd < 0) failure->Set(open_errno, "open", ns_path);
  return fd;
}

void EnterAndRun(const std::string& ns_path, const std::function<bool(OsFailure*)>& work, OsFailure* failure) {
  int fd = OpenNamespace(ns_path, failure);
  if (fd < 0) return;
  int rc = setns(fd, CLONE_NEWNET);
  int setns_errno = errno;
  close(fd);
  if (rc != 0) {
    failure->Set(setns_errno, "setns", ns_path);
    return;
  }
  work(failure);
}

}  // namespace

bool RunInNetns(const std::string& ns_path, const std::function<bool(OsFailure*)>& work, OsFailure* failure) {
  try {
    std::thread worker(EnterAndRun, std::cref(ns_path), std::cref(work), failure);
    worker.join();
  } catch (const std::system_error& e) {
    failure->Set(e.code().value(), "pthread_create", ns_path);
    return false;
  }
  return !failure->failed();
}

}  // namespace ephemeral_ports
