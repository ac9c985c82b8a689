#include "errno_error.h"

#include <cerrno>
#include <cstring>

namespace ephemeral_ports {
namespace bsd {

std::string ErrnoName(int err) {
  // An if-chain, not a switch: some of these share a value on some systems (ENOTSUP == EOPNOTSUPP on Linux).
  struct Entry {
    int value;
    const char* name;
  };
  static const Entry kNames[] = {
      {EPERM, "EPERM"},   {ENOENT, "ENOENT"}, {ESRCH, "ESRCH"},         {EINTR, "EINTR"},
      {EIO, "EIO"},       {ENOMEM, "ENOMEM"}, {EACCES, "EACCES"},       {EFAULT, "EFAULT"},
      {EBUSY, "EBUSY"},   {EINVAL, "EINVAL"}, {ENOTDIR, "ENOTDIR"},     {EISDIR, "EISDIR"},
      {EROFS, "EROFS"},   {EAGAIN, "EAGAIN"}, {EOPNOTSUPP, "EOPNOTSUPP"}, {ENOTSUP, "ENOTSUP"},
  };
  for (const Entry& e : kNames) {
    if (e.value == err) return e.name;
  }
  return "ERRNO_" + std::to_string(err);
}

Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall, const std::string& path) {
  std::string message = std::string(syscall) + " " + path + ": " + std::strerror(err);
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, ErrnoName(err)));
  error.Set("errno", Napi::Number::New(env, err));
  error.Set("syscall", Napi::String::New(env, syscall));
  error.Set("path", Napi::String::New(env, path));
  return error;
}

}  // namespace bsd
}  // namespace ephemeral_ports
