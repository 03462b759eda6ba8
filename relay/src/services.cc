#include "titip/relay/services.h"

#include <algorithm>

namespace titip::relay {

std::vector<wire::TerminalState> TerminalBoard::ToWire(int64_t now_ms) const {
  std::vector<wire::TerminalState> out;
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& [serial, e] : entries_) {
    wire::TerminalState t;
    t.set_serial(serial);
    t.set_up(e.up);
    if (e.skew_known) t.set_clock_skew_s(e.clock_skew_s);
    // -1: never heard from since this gateway started.
    t.set_last_contact_age_s(
        e.last_contact_ms == 0 ? -1 : std::max<int64_t>(0, (now_ms - e.last_contact_ms) / 1000));
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace titip::relay
