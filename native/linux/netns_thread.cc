#include "netns_thread.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <thread>

namespace ephemeral_ports {
namespace {

void EnterAndRun(const std::string& ns_path, const std::function<bool(OsFailure*)>& work, OsFailure* failure) {
  int fd;
  do {
    fd = open(ns_path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    failure->Set(errno, "open", ns_path);
    return;
  }
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
