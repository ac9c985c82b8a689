// Windows PowerShell double for the Wine tests (EMULATED Windows), cross-compiled with mingw like netsh-double.cc,
// over the same state file, so that netsh-double.exe reads back what the cmdlet wrote. It encodes the rules of
// powershell-double.mjs, whose header cites them (Set-NetTCPSetting / Set-NetUDPSetting docs: start "1 through
// 65535", UInt16 parameters, no family or store parameter; what is undocumented is a switch):
//   powershell-double.exe --state <file> -NoProfile -NonInteractive -Command <script>
// The invocation must be exactly that (exit 2 otherwise): under Wine the script then crosses a real Windows
// command line (libuv's quoting, the C runtime's parsing), so a test sees it arrive as one intact argument. The
// script's `Set-Net(TCP|UDP)Setting -DynamicPortRangeStartPort N -DynamicPortRangeNumberOfPorts M` is applied and
// the script's own ConvertTo-Json line is printed: {"ok":true}, or {"ok":false,"errorId":…,"category":…,
// "message":…} with exit 1 — `Windows System Error 5` when `elevated=0`, `Windows System Error 87` for start 0,
// 0 ports or an end past 65535, `ParameterArgumentTransformationError` for a value outside UInt16,
// `CommandNotFoundException` when `ps_missing=1`. State keys (first occurrence wins): elevated, ps_missing,
// ps_families ("ipv4,ipv6"), ps_stores ("active,persistent"), <family>.<proto>.<store> = "start count"; every
// script is appended as `pscall=`.
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "state-file.h"

namespace {

using doubles::Get;
using doubles::Load;
using doubles::Put;
using doubles::Save;
using doubles::State;

std::vector<std::string> List(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(item);
  return out;
}

int Refuse(const std::string& id, const std::string& cmdlet, const char* category, const std::string& message) {
  std::printf("{\"ok\":false,\"errorId\":\"%s,%s\",\"category\":\"%s\",\"message\":\"%s\"}\r\n", id.c_str(),
              cmdlet.c_str(), category, message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || std::string(argv[1]) != "--state") {
    std::fprintf(stderr, "usage: powershell-double.exe --state <file> -NoProfile -NonInteractive -Command <script>\n");
    return 2;
  }
  const std::string file = argv[2];
  State state = Load(file);
  if (argc != 7 || std::string(argv[3]) != "-NoProfile" || std::string(argv[4]) != "-NonInteractive" ||
      std::string(argv[5]) != "-Command") {
    std::fprintf(stderr, "double: expected -NoProfile -NonInteractive -Command <script>\n");
    return 2;
  }
  const std::string script = argv[6];
  state.emplace_back("pscall", script);
  Save(file, state);

  std::smatch m;
  static const std::regex kSet(
      R"(Set-Net(TCP|UDP)Setting -DynamicPortRangeStartPort (\d+) -DynamicPortRangeNumberOfPorts (\d+)\s*;)");
  if (!std::regex_search(script, m, kSet)) {
    std::printf("{\"ok\":true}\r\n");
    return 0;
  }
  const std::string proto = m[1] == "TCP" ? "tcp" : "udp";
  const std::string cmdlet = "Set-Net" + std::string(m[1]) + "Setting";
  if (Get(state, "ps_missing", "0") == "1")
    return Refuse("CommandNotFoundException", cmdlet, "ObjectNotFound",
                  "The term '" + cmdlet + "' is not recognized as the name of a cmdlet, function, script file, or operable program.");
  if (m[2].length() > 5 || m[3].length() > 5 || std::stol(m[2]) > 65535 || std::stol(m[3]) > 65535)
    return Refuse("ParameterArgumentTransformationError", cmdlet, "InvalidData",
                  "Cannot convert the value to type System.UInt16.");
  const long start = std::stol(m[2]), count = std::stol(m[3]);
  if (Get(state, "elevated", "1") != "1") return Refuse("Windows System Error 5", cmdlet, "PermissionDenied", "Access is denied.");
  if (start < 1 || count < 1 || start + count - 1 > 65535)
    return Refuse("Windows System Error 87", cmdlet, "InvalidArgument", "The parameter is incorrect.");
  const std::string value = std::to_string(start) + " " + std::to_string(count);
  for (const auto& store : List(Get(state, "ps_stores", "active,persistent")))
    for (const auto& family : List(Get(state, "ps_families", "ipv4,ipv6"))) Put(state, family + "." + proto + "." + store, value);
  Save(file, state);
  std::printf("{\"ok\":true}\r\n");
  return 0;
}
