// netsh double for the Wine tests (EMULATED Windows), cross-compiled with mingw: a native console program starts
// an order of magnitude faster under Wine than a node.exe script. It encodes the same documented rules as
// netsh-double.mjs (whose header cites each one: KB929851 for `set dynamic`, its limits and the per-IP-version
// commands; the persistent reservation API for excluded ranges) for the commands the Windows backend runs:
//   netsh-double.exe --state <file> int ipv4|ipv6 show dynamicport tcp|udp [store=active|persistent]
//   netsh-double.exe --state <file> int ipv4|ipv6 set dynamic|dynamicport tcp|udp start=N num=M [store=…]
//   netsh-double.exe --state <file> int ipv4|ipv6 show excludedportrange protocol=tcp|udp
// start >= 1025, num >= 255, start + num - 1 <= 65535, else "The parameter is incorrect." and exit 1 (KB929851);
// `set` needs elevation (state `elevated=0` refuses it); store=persistent (the default of `set`) changes the boot
// value and the live one, store=active only the live one; each IP version keeps its own range (KB929851 gives the
// command per version and does not say they share one) unless `agree_families=1`; `refuse_set=ipv6` fails every
// `set` of that family; `silent=1` behaves like Wine's stub netsh (nothing printed, exit 0).
// State file: `key=value` lines, the first occurrence of a key wins: elevated, silent, agree_families, refuse_set,
// <family>.<proto>.active / .persistent as "start count", <proto>.excluded (reservations, both families) and
// <family>.<proto>.excluded (system blocks of one family) as "low-high[*],…"; every call is appended as `call=`.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
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

bool ToInt(const std::string& text, long* out) {
  if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos) return false;
  *out = std::strtol(text.c_str(), nullptr, 10);
  return true;
}

std::string Lower(std::string v) {
  for (auto& c : v) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return v;
}

int Fail(const char* message) {
  std::printf("%s\r\n\r\n", message);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || std::string(argv[1]) != "--state") {
    std::fprintf(stderr, "usage: netsh-double.exe --state <file> <netsh args>\n");
    return 2;
  }
  const std::string file = argv[2];
  State state = Load(file);
  std::vector<std::string> words;
  std::map<std::string, std::string> kv;
  std::string call;
  for (int i = 3; i < argc; ++i) {
    const std::string a = Lower(argv[i]);
    call += (call.empty() ? "" : " ") + a;
    const auto eq = a.find('=');
    if (eq == std::string::npos) words.push_back(a);
    else kv[a.substr(0, eq)] = a.substr(eq + 1);
  }
  state.emplace_back("call", call);
  Save(file, state);
  if (Get(state, "silent", "0") == "1") return 0;

  const auto word = [&](size_t i) { return i < words.size() ? words[i] : std::string(); };
  if ((word(0) != "int" && word(0) != "interface") || (word(1) != "ipv4" && word(1) != "ipv6"))
    return Fail("The following command was not found.");
  const std::string verb = word(2), object = word(3);
  const std::string protocol = kv.count("protocol") ? kv["protocol"] : word(4);
  if (protocol != "tcp" && protocol != "udp") return Fail("The parameter is incorrect.");
  const std::string store = kv.count("store") ? kv["store"] : (verb == "show" ? "active" : "persistent");
  if (store != "active" && store != "persistent") return Fail("The parameter is incorrect.");

  const bool dynamic = object == "dynamic" || object == "dynamicport" || object == "dynamicportrange";
  if (dynamic) {
    const std::string family = word(1);
    if (verb == "show") {
      std::istringstream r(Get(state, family + "." + protocol + "." + store, "49152 16384"));
      long start = 0, count = 0;
      r >> start >> count;
      std::printf("\r\nProtocol %s Dynamic Port Range\r\n---------------------------------\r\n", protocol.c_str());
      std::printf("Start Port      : %ld\r\nNumber of Ports : %ld\r\n\r\n", start, count);
      return 0;
    }
    if (verb == "set") {
      if (Get(state, "elevated", "1") != "1")
        return Fail("The requested operation requires elevation (Run as administrator).");
      if (Get(state, "refuse_set", "") == family) return Fail("The parameter is incorrect.");
      long start = 0, count = 0;
      if (!ToInt(kv["start"], &start) || !ToInt(kv["num"], &count) || start < 1025 || count < 255 ||
          start + count - 1 > 65535)
        return Fail("The parameter is incorrect.");
      const std::string value = std::to_string(start) + " " + std::to_string(count);
      const bool agree = Get(state, "agree_families", "0") == "1";
      for (const char* f : {"ipv4", "ipv6"}) {
        if (!agree && f != family) continue;
        Put(state, std::string(f) + "." + protocol + ".active", value);
        if (store == "persistent") Put(state, std::string(f) + "." + protocol + ".persistent", value);
      }
      Save(file, state);
      std::printf("Ok.\r\n\r\n");
      return 0;
    }
  }
  if (object == "excludedportrange" && verb == "show") {
    std::printf("\r\nProtocol %s Port Exclusion Ranges\r\n\r\nStart Port    End Port\r\n----------    --------\r\n",
                protocol.c_str());
    std::vector<std::pair<long, std::string>> rows;
    for (const std::string& key : {protocol + ".excluded", word(1) + "." + protocol + ".excluded"}) {
      std::istringstream list(Get(state, key, ""));
      std::string item;
      while (std::getline(list, item, ',')) {
        long low = 0, high = 0;
        const bool admin = !item.empty() && item.back() == '*';
        if (std::sscanf(item.c_str(), "%ld-%ld", &low, &high) != 2) continue;
        char line[64];
        std::snprintf(line, sizeof line, "%10ld  %10ld%s\r\n", low, high, admin ? "     *" : "");
        rows.emplace_back(low, line);
      }
    }
    std::sort(rows.begin(), rows.end());
    for (const auto& [low, line] : rows) std::printf("%s", line.c_str());
    std::printf("\r\n* - Administered port exclusions.\r\n\r\n");
    return 0;
  }
  return Fail("The following command was not found.");
}
