// Hex helpers for the ZK codec tests: captures in the doc are written as spaced hex.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace titip::gateway::zk::testing {

inline std::string Hex(std::string_view spaced) {
  std::string out, digits;
  for (char c : spaced) {
    if (std::isxdigit(static_cast<unsigned char>(c))) digits.push_back(c);
  }
  for (size_t i = 0; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

}  // namespace titip::gateway::zk::testing
