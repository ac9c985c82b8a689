#include "abstract_lock.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <string>

namespace ephemeral_ports {
namespace {

// Backlog of a lock socket: nobody connects to a lock, listening only makes the name visible as held.
constexpr int kBacklog = 8;

Napi::Value ListenAbstract(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::Error error = Napi::TypeError::New(env, "name must be a string");
    error.Set("code", Napi::String::New(env, "ERR_INVALID_ARG_TYPE"));
    throw error;
  }
  // Utf8Value keeps embedded NULs: the name starts with one (the abstract namespace) and may be padded with more.
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  sockaddr_un address{};
  if (name.empty() || name[0] != '\0' || name.size() > sizeof(address.sun_path)) return Napi::Number::New(env, -EINVAL);
  address.sun_family = AF_UNIX;
  memcpy(address.sun_path, name.data(), name.size());
  const socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());

  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return Napi::Number::New(env, -errno);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 || listen(fd, kBacklog) != 0) {
    const int failure = errno;
    close(fd);
    return Napi::Number::New(env, -failure);
  }
  return Napi::Number::New(env, fd);
}

Napi::Value CloseFd(const Napi::CallbackInfo& info) {
  // Only fds listenAbstract returned reach here (the JS side keeps them private); anything else is ignored.
  if (info.Length() >= 1 && info[0].IsNumber()) {
    const int fd = info[0].As<Napi::Number>().Int32Value();
    if (fd > 2) close(fd);
  }
  return info.Env().Undefined();
}

}  // namespace

void RegisterAbstractLocks(Napi::Env env, Napi::Object exports) {
  exports.Set("listenAbstract", Napi::Function::New(env, ListenAbstract, "listenAbstract"));
  exports.Set("closeFd", Napi::Function::New(env, CloseFd, "closeFd"));
}

}  // namespace ephemeral_ports
