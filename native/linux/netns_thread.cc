#include "netns_thread.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <thread>

namespace ephemeral_ports {
namespace {

std::string NetnsRemedy(int err, const std::string& syscall) {
  switch (err) {
    case EPERM:
    case EACCES:
      return "entering another network namespace needs root (CAP_SYS_ADMIN), and /proc/<pid>/ns/net also "
             "needs ptrace access to that process";
    case ENOENT:
      return "no such namespace: use /proc/<pid>/ns/net of a running process or /run/netns/<name>";
    case EINVAL:
      return syscall == "setns" ? "the path is not a network namespace" : "";
    default:
      return "";
  }
}

void EnterAndRun(const std::string& ns_path, const std::function<bool(OsFailure*)>& work, OsFailure* failure) {
  int fd;
  do {
    fd = open(ns_path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    failure->Set(errno, "open", ns_path);
    failure->remedy = NetnsRemedy(failure->err, "open");
    return;
  }
  int rc = setns(fd, CLONE_NEWNET);
  int setns_errno = errno;
  close(fd);
  if (rc != 0) {
    failure->Set(setns_errno, "setns", ns_path);
    failure->remedy = NetnsRemedy(setns_errno, "setns");
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
