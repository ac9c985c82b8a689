#include "system_error.h"

#include <cerrno>
#include <cstring>

namespace ephemeral_ports {
namespace {

struct ErrnoEntry {
  int err;
  const char* name;
};

// The errnos a sysctl/procfs/setns/sysctlbyname/netlink caller can meet. Portable: no strerrorname_np
// (glibc-only).
constexpr ErrnoEntry kErrnoNames[] = {
    {EPERM, "EPERM"},         {ENOENT, "ENOENT"},   {ESRCH, "ESRCH"},
    {EINTR, "EINTR"},         {EIO, "EIO"},         {ENXIO, "ENXIO"},
    {EBADF, "EBADF"},         {EAGAIN, "EAGAIN"},   {ENOMEM, "ENOMEM"},
    {EACCES, "EACCES"},       {EFAULT, "EFAULT"},   {EBUSY, "EBUSY"},
    {EEXIST, "EEXIST"},       {ENODEV, "ENODEV"},   {ENOTDIR, "ENOTDIR"},
    {EISDIR, "EISDIR"},       {EINVAL, "EINVAL"},   {ENFILE, "ENFILE"},
    {EMFILE, "EMFILE"},       {ENOSPC, "ENOSPC"},   {EROFS, "EROFS"},
    {ERANGE, "ERANGE"},       {ENOSYS, "ENOSYS"},   {ELOOP, "ELOOP"},
    {ENAMETOOLONG, "ENAMETOOLONG"}, {EOVERFLOW, "EOVERFLOW"},
    {EOPNOTSUPP, "EOPNOTSUPP"}, {EPROTONOSUPPORT, "EPROTONOSUPPORT"},
    {EAFNOSUPPORT, "EAFNOSUPPORT"}, {ENOBUFS, "ENOBUFS"},
#if defined(ENOTSUP) && ENOTSUP != EOPNOTSUPP
    {ENOTSUP, "ENOTSUP"},
#endif
};

// GNU strerror_r returns a char*, XSI returns an int: accept both.
[[maybe_unused]] std::string FromStrerrorR(char* result, const char*) { return result; }
[[maybe_unused]] std::string FromStrerrorR(int result, const char* buffer) {
  return result == 0 ? buffer : "Unknown error";
}

}  // namespace

const char* ErrnoName(int err) {
  for (const auto& entry : kErrnoNames) {
    if (entry.err == err) return entry.name;
  }
  return "UNKNOWN";
}

std::string ErrnoText(int err) {
  char buffer[256] = {0};
  return FromStrerrorR(strerror_r(err, buffer, sizeof buffer), buffer);
}

Napi::Error SystemError(Napi::Env env, const OsFailure& failure) {
  const bool condition = !failure.code.empty();
  const char* code = condition ? failure.code.c_str() : ErrnoName(failure.err);
  std::string message = failure.syscall;
  if (!failure.path.empty()) message += " '" + failure.path + "'";
  message += condition ? ": " + failure.detail : " failed: " + ErrnoText(failure.err) + " (" + code + ")";
  if (!failure.remedy.empty()) message += "; " + failure.remedy;

  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  // Negative, as Node's own errors carry it (libuv's -errno): `err.errno === -os.constants.errno[err.code]`.
  if (!condition) error.Set("errno", Napi::Number::New(env, -failure.err));
  error.Set("syscall", Napi::String::New(env, failure.syscall));
  if (!failure.path.empty()) error.Set("path", Napi::String::New(env, failure.path));
  if (!failure.remedy.empty()) error.Set("remedy", Napi::String::New(env, failure.remedy));
  return error;
}

}  // namespace ephemeral_ports
