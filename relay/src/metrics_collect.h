// Gathers a MetricsSnapshot on the event loop thread (the only thread that may read the
// engine and the loop counters). Reads the store counters in one short read transaction.
#pragma once

#include "titip/relay/metrics.h"

namespace titip::relay {

struct MetricsSources {
  std::string node;
  std::string role;
  storage::Store& store;
  const storage::GroupCommitter& committer;
  const Engine& engine;
  const TerminalBoard& terminals;
  const Clock& clock;
};

MetricsSnapshot CollectMetrics(const MetricsSources& src, const LoopCounters& loop,
                               uint64_t http_bad_requests);

// The runtime status file's "terminals" array (runtime_status.h) from the board.
nlohmann::json TerminalsStatusJson(const TerminalBoard& board, int64_t now_ms);

}  // namespace titip::relay
