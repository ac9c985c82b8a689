// Cross-process port locks for free-port: a listening AF_UNIX socket bound to an abstract name, one fd per lock.
// The kernel frees the name when the fd closes, including when the process dies (SIGKILL too). The name is bound
// with its own length; free-port pads its names to the whole sun_path, the one spelling every Node version's
// net.Server binds alike, so locks taken here and through net.Server exclude each other.
#pragma once

#include <napi.h>

namespace ephemeral_ports {

// listenAbstract(name: string): number (the fd, or -errno); closeFd(fd: number): void.
void RegisterAbstractLocks(Napi::Env env, Napi::Object exports);

}  // namespace ephemeral_ports
