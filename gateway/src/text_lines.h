// Pieces shared by the streaming text decoders (attlog.dat, ADMS ATTLOG bodies): line
// splitting over arbitrary chunks, where a line longer than the bound keeps only its first
// `max` bytes plus a flag (a hostile body cannot grow memory), and field readers.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace titip::gateway {

inline std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

inline bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

// Empty means "field absent" and reads as 0, so a trailing TAB is harmless. Anything that is not
// plain decimal digits fitting uint32 is refused rather than truncated.
inline std::optional<uint32_t> ParseU32(std::string_view s) {
  s = TrimSpaces(s);
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
    if (v > UINT32_MAX) return std::nullopt;
  }
  return static_cast<uint32_t>(v);
}

// Appends `bytes` to the pending `*line`; calls `end_line()` at every '\n' (the caller reads
// and then clears `*line` and `*overflow`).
template <typename EndLine>
void FeedBoundedLines(std::string_view bytes, size_t max, std::string* line, bool* overflow,
                      EndLine end_line) {
  while (!bytes.empty()) {
    size_t nl = bytes.find('\n');
    std::string_view chunk = bytes.substr(0, nl);
    size_t room = max - line->size();
    if (chunk.size() > room) *overflow = true;
    line->append(chunk.substr(0, std::min(room, chunk.size())));
    if (nl == std::string_view::npos) return;
    end_line();
    bytes.remove_prefix(nl + 1);
  }
}

}  // namespace titip::gateway
