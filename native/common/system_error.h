// OS errors as JS errors shaped like Node's own (fs/net): `code` (errno name), `errno` (negative, as Node's),
// `syscall`, `path`, plus `remedy`, a sentence a human can act on. A condition (OsFailure::code) gets its
// ERR_EPHEMERAL_* code and no errno. Every addon builds its errors here; none formats strerror inline.
#pragma once
#include <napi.h>

#include <string>

#include "os_failure.h"

namespace ephemeral_ports {

// "EACCES" for EACCES; "UNKNOWN" when the name is not known.
const char* ErrnoName(int err);

// strerror text, thread-safe.
std::string ErrnoText(int err);

// `<syscall> '<path>' failed: <text> (<CODE>); <remedy>` with code/errno/syscall/path/remedy properties, or for a
// condition `<syscall> '<path>': <detail>; <remedy>` without errno.
Napi::Error SystemError(Napi::Env env, const OsFailure& failure);

}  // namespace ephemeral_ports
