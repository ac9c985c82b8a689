#include "win_common.h"

#include <cstdio>

namespace ep_win32 {
namespace {

struct Named {
  uint32_t code;
  const char* name;
};

// The codes the calls of this addon document, plus the common ones around them.
constexpr Named kWin32[] = {
    {ERROR_SUCCESS, "ERROR_SUCCESS"},
    {ERROR_FILE_NOT_FOUND, "ERROR_FILE_NOT_FOUND"},
    {ERROR_ACCESS_DENIED, "ERROR_ACCESS_DENIED"},
    {ERROR_INVALID_HANDLE, "ERROR_INVALID_HANDLE"},
    {ERROR_NOT_ENOUGH_MEMORY, "ERROR_NOT_ENOUGH_MEMORY"},
    {ERROR_OUTOFMEMORY, "ERROR_OUTOFMEMORY"},
    {ERROR_NOT_SUPPORTED, "ERROR_NOT_SUPPORTED"},
    {ERROR_SHARING_VIOLATION, "ERROR_SHARING_VIOLATION"},
    {ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER"},
    {ERROR_INSUFFICIENT_BUFFER, "ERROR_INSUFFICIENT_BUFFER"},
    {ERROR_PROC_NOT_FOUND, "ERROR_PROC_NOT_FOUND"},
    {ERROR_MOD_NOT_FOUND, "ERROR_MOD_NOT_FOUND"},
    {740, "ERROR_ELEVATION_REQUIRED"},  // not in every mingw winerror.h,
    {ERROR_NOT_FOUND, "ERROR_NOT_FOUND"},
    {ERROR_CALL_NOT_IMPLEMENTED, "ERROR_CALL_NOT_IMPLEMENTED"},
    {ERROR_INVALID_FUNCTION, "ERROR_INVALID_FUNCTION"},
    {ERROR_GEN_FAILURE, "ERROR_GEN_FAILURE"},
};

constexpr Named kHresult[] = {
    {0x80041001u, "WBEM_E_FAILED"},
    {0x80041002u, "WBEM_E_NOT_FOUND"},
    {0x80041003u, "WBEM_E_ACCESS_DENIED"},
    {0x8004100Eu, "WBEM_E_INVALID_NAMESPACE"},
    {0x80041010u, "WBEM_E_INVALID_CLASS"},
    {0x80041011u, "WBEM_E_PROVIDER_NOT_FOUND"},
    {0x80041013u, "WBEM_E_PROVIDER_LOAD_FAILURE"},
    {0x80041017u, "WBEM_E_INVALID_QUERY"},
    {0x8004100Cu, "WBEM_E_NOT_SUPPORTED"},
    {0x80070005u, "E_ACCESSDENIED"},
    {0x80004001u, "E_NOTIMPL"},
    {0x80004002u, "E_NOINTERFACE"},
    {0x80004005u, "E_FAIL"},
    {0x8007000Eu, "E_OUTOFMEMORY"},
    {0x80070057u, "E_INVALIDARG"},
    {0x80040154u, "REGDB_E_CLASSNOTREG"},
    {0x800401F0u, "CO_E_NOTINITIALIZED"},
    {0x80010106u, "RPC_E_CHANGED_MODE"},
    {0x800706BAu, "RPC_S_SERVER_UNAVAILABLE"},
};

}  // namespace

std::string ErrorName(uint32_t code, bool isHresult) {
  char buf[32];
  if (isHresult) {
    for (const auto& n : kHresult)
      if (n.code == code) return n.name;
    // A Win32 code wrapped as HRESULT_FROM_WIN32 keeps its Win32 name.
    if ((code & 0xFFFF0000u) == 0x80070000u) {
      const uint32_t win32 = code & 0xFFFFu;
      for (const auto& n : kWin32)
        if (n.code == win32) return n.name;
    }
    std::snprintf(buf, sizeof buf, "HRESULT_0x%08X", static_cast<unsigned>(code));
    return buf;
  }
  for (const auto& n : kWin32)
    if (n.code == code) return n.name;
  std::snprintf(buf, sizeof buf, "WIN32_ERROR_%u", static_cast<unsigned>(code));
  return buf;
}

std::string ErrorMessage(uint32_t code) {
  char* text = nullptr;
  const DWORD n = FormatMessageA(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr, code,
      0, reinterpret_cast<LPSTR>(&text), 0, nullptr);
  std::string out = n && text ? std::string(text, n) : std::string();
  if (text) LocalFree(text);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ' || out.back() == '.'))
    out.pop_back();
  return out;
}

Napi::Error MakeError(Napi::Env env, uint32_t code, const char* syscall, bool isHresult) {
  const std::string name = ErrorName(code, isHresult);
  std::string message = std::string(syscall) + " failed: " + name;
  char hex[16];
  if (isHresult) {
    std::snprintf(hex, sizeof hex, "0x%08X", static_cast<unsigned>(code));
    message += std::string(" (") + hex + ")";
  } else {
    message += " (" + std::to_string(code) + ")";
  }
  const std::string text = ErrorMessage(code);
  if (!text.empty()) message += ": " + text;
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, name));
  error.Set("errno", Napi::Number::New(env, static_cast<double>(code)));
  error.Set("syscall", Napi::String::New(env, syscall));
  return error;
}

}  // namespace ep_win32
