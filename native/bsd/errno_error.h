// OS errors as JS errors shaped like Node's fs/net errors: code (errno name), errno, syscall, path.
#pragma once
#include <napi.h>

#include <string>

namespace ephemeral_ports {
namespace bsd {

// The symbolic name of an errno value ("EPERM"), or "ERRNO_<n>" for one this table does not know.
std::string ErrnoName(int err);

// An Error whose message is "<syscall> <path>: <strerror>" and which carries code/errno/syscall/path.
Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall, const std::string& path);

}  // namespace bsd
}  // namespace ephemeral_ports
