// Line splitting shared by the streaming text decoders (attlog.dat, ADMS ATTLOG bodies): input
// arrives in arbitrary chunks, and a line longer than the bound keeps only its first `max`
// bytes plus a flag, so a hostile body cannot grow memory.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace titip::gateway {

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
