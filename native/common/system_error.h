// OS errors as JS errors shaped like Node's own (fs/net): `code` (errno name), `errno`, `syscall`, `path`,
// plus `remedy`, a sentence a human can act on. Every addon builds its errors here; none formats strerror inline.
#pragma once
#include <napi.h>

#include <string>

namespace ephemeral_ports {

// One failed system call, captured where it happened (possibly on a helper thread) and thrown later on the
// JS thread. `err == 0` means "no failure".
struct OsFailure {
  int err = 0;
  std::string syscall;  // e.g. "open", "write", "setns"
  std::string path;     // the file or namespace the call was about; may be empty
  std::string remedy;   // may be empty

  bool failed() const { return err != 0; }
  void Set(int e, const char* call, const std::string& p) {
    err = e;
    syscall = call;
    path = p;
  }
};

// "EACCES" for EACCES; "UNKNOWN" when the name is not known.
const char* ErrnoName(int err);

// strerror text, thread-safe.
std::string ErrnoText(int err);

// `<syscall> '<path>' failed: <text> (<CODE>); <remedy>` with code/errno/syscall/path/remedy properties.
Napi::Error SystemError(Napi::Env env, const OsFailure& failure);

}  // namespace ephemeral_ports
