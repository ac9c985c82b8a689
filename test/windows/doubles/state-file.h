// The state file both Windows doubles share (netsh-double.cc, powershell-double.cc): `key=value` lines, CRLF
// tolerated, the first occurrence of a key wins, rewritten whole on save.
#pragma once

#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace doubles {

using State = std::vector<std::pair<std::string, std::string>>;

inline State Load(const std::string& file) {
  State s;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto eq = line.find('=');
    if (eq != std::string::npos) s.emplace_back(line.substr(0, eq), line.substr(eq + 1));
  }
  return s;
}

inline void Save(const std::string& file, const State& s) {
  std::ofstream out(file, std::ios::trunc);
  for (const auto& [k, v] : s) out << k << '=' << v << '\n';
}

inline std::string Get(const State& s, const std::string& key, const std::string& fallback) {
  for (const auto& [k, v] : s)
    if (k == key) return v;
  return fallback;
}

inline void Put(State& s, const std::string& key, const std::string& value) {
  for (auto& [k, v] : s)
    if (k == key) {
      v = value;
      return;
    }
  s.emplace_back(key, value);
}

}  // namespace doubles
