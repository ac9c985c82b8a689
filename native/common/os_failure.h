// A failed system call as plain data, free of N-API: native code that also runs outside Node (the benches' floor
// programs link the census sources) reports failures with it; system_error.h turns one into a JS error.
#pragma once
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

}  // namespace ephemeral_ports
