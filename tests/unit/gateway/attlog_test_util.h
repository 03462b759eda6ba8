// Shared helpers for the attlog parser tests: run a parser over a buffer with a chosen split
// and collect everything it reports, so different splits can be compared as one value.
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "titip/gateway/attlog_parser.h"

namespace titip::gateway::testing {

struct Parsed {
  std::vector<AttlogRecord> records;
  std::vector<AttlogIssue> issues;
  uint64_t garbage = 0;
  uint64_t lines = 0;
  bool operator==(const Parsed&) const = default;
};

// Feeds `input` in pieces of `chunk` bytes (0 = all at once), then calls Finish.
inline Parsed ParseChunked(std::string_view input, size_t chunk = 0) {
  AttlogParser p;
  Parsed r;
  if (chunk == 0) chunk = input.size() + 1;
  for (size_t i = 0; i < input.size(); i += chunk) p.Feed(input.substr(i, chunk), &r.records);
  p.Finish(&r.records);
  r.issues = p.issues();
  r.garbage = p.garbage_count();
  r.lines = p.lines();
  return r;
}

inline std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(TITIP_FIXTURES_DIR) + "/attlog/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace titip::gateway::testing
