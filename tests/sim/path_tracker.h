// When each gateway had a working path to the sink: the simulator records every change (links,
// crashes) and the report asks how long the path was up inside a window, for SPEC §10.3's
// "late despite path" (a unit that could have delivered and did not).
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "sim_config.h"

namespace titip::sim {

class PathTracker {
 public:
  explicit PathTracker(size_t nodes) : changes_(nodes) {}

  // The path of `node` is `up` from `now` on (no-op when unchanged). Times never go back.
  void Record(int node, MonoTime now, bool up) {
    auto& c = changes_[node];
    if (c.empty() ? up : c.back().second != up) c.emplace_back(now, up);
  }

  // Seconds inside [from, to) during which the path was up; the last state lasts forever.
  int64_t UpSeconds(int node, MonoTime from, MonoTime to) const {
    const auto& c = changes_[node];
    MonoTime up_total{0};
    for (size_t i = 0; i < c.size(); ++i) {
      if (!c[i].second) continue;
      MonoTime end = i + 1 < c.size() ? c[i + 1].first : kNever;
      MonoTime lo = std::max(from, c[i].first), hi = std::min(to, end);
      if (hi > lo) up_total += hi - lo;
    }
    return up_total.count() / kNsPerSecond;
  }

 private:
  std::vector<std::vector<std::pair<MonoTime, bool>>> changes_;
};

}  // namespace titip::sim
