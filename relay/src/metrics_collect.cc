// See metrics_collect.h.
#include "metrics_collect.h"

namespace titip::relay {

MetricsSnapshot CollectMetrics(const MetricsSources& src, const LoopCounters& loop,
                               uint64_t http_bad_requests) {
  MetricsSnapshot s;
  s.node = src.node;
  s.role = src.role;
  s.wall_ms = src.clock.Wall().count();
  s.now = src.clock.Mono();
  auto c = src.store.GetCounters();
  s.store_ok = c.ok();
  if (c.ok()) s.store = *c;
  s.commits = src.committer.stats();
  s.engine = src.engine.counters();
  s.loop = loop;
  s.upstreams = src.engine.upstreams_status();
  s.terminals = src.terminals.Snapshot();
  s.http_bad_requests = http_bad_requests;
  return s;
}

nlohmann::json TerminalsStatusJson(const TerminalBoard& board, int64_t now_ms) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [serial, e] : board.Snapshot()) {
    nlohmann::json t = {{"serial", serial}, {"up", e.up}, {"last_error", e.last_error}};
    t["clock_skew_s"] = e.skew_known ? nlohmann::json(e.clock_skew_s) : nlohmann::json(nullptr);
    t["last_contact_age_s"] =
        e.last_contact_ms
            ? nlohmann::json(std::max<int64_t>(0, (now_ms - e.last_contact_ms) / 1000))
            : nlohmann::json(nullptr);
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace titip::relay
