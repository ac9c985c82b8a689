// A failure as plain data: captured where it happened (possibly on a helper thread, where no N-API call may run)
// and thrown later on the JS thread by system_error.h. Either a failed system call (`err`, an errno) or a condition that is
// no syscall's failure (`code`, an ERR_EPHEMERAL_* code with `detail`), so that no errno is ever invented.
#pragma once
#include <string>
#include <utility>

namespace ephemeral_ports {

struct OsFailure {
  int err = 0;          // the errno of a failed call; 0 when none
  std::string code;     // set instead of `err` for a condition, e.g. "ERR_EPHEMERAL_PARSE"
  std::string detail;   // what the condition is, in words (conditions only)
  std::string syscall;  // e.g. "open", "write", "setns"
  std::string path;     // the file or namespace the call was about; may be empty
  std::string remedy;   // may be empty

  bool failed() const { return err != 0 || !code.empty(); }
  void Set(int e, const char* call, const std::string& p) {
    err = e;
    syscall = call;
    path = p;
  }
  void SetCondition(const char* c, std::string what, const char* call, const std::string& p) {
    code = c;
    detail = std::move(what);
    syscall = call;
    path = p;
  }
};

}  // namespace ephemeral_ports
