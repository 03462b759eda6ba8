// complete_through for gateway telemetry; see complete_through.h.
#include "titip/relay/complete_through.h"

#include <algorithm>

namespace titip::relay {

int64_t CompleteThrough(int64_t now_ms, int utc_offset_min, const storage::Counters& counters,
                        const std::map<std::string, TerminalBoard::Entry>& terminals) {
  int64_t t = now_ms;
  for (const auto& [serial, e] : terminals) {
    if (e.last_contact_ms <= 0) return 0;
    t = std::min(t, e.last_contact_ms);
  }
  // Everything received before the first unreceipted punch is delivered; that punch is not.
  if (counters.undelivered > 0 && counters.oldest_undelivered_ms > 0) {
    t = std::min(t, counters.oldest_undelivered_ms - 1);
  }
  if (t <= 0) return 0;
  return t / 1000 + utc_offset_min * 60LL;
}

}  // namespace titip::relay
