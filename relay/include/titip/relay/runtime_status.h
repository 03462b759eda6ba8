// The daemon's live state (links, in-flight bundles, counters) as a small JSON file in the
// state dir, rewritten about once a second (write to a temp file, then rename: readers never
// see half a file). Not durable and not meant to be: titipctl reads it beside the store to
// show what the store alone cannot, and treats a stale file as "daemon not running".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "titip/common/status.h"
#include "titip/relay/engine.h"
#include "titip/relay/node_loop.h"

namespace titip::relay {

struct RuntimeSnapshot {
  std::string node;
  int64_t wall_ms = 0;
  std::vector<LinkStatus> upstreams;
  MonoTime now{};
  EngineCounters engine;
  LoopCounters loop;
  // Array of {"serial","up","clock_skew_s"(or null),"last_contact_age_s"(or null),
  // "last_error"}; null (omitted from the file) when the role has no terminals.
  nlohmann::json terminals;
};

inline constexpr const char* kRuntimeStatusFile = "runtime.json";

Status WriteRuntimeStatusFile(const std::string& path, const RuntimeSnapshot& snap);
// Parsed file, or nullopt when absent or unreadable.
std::optional<nlohmann::json> ReadRuntimeStatusFile(const std::string& path);
// True when the file names a live process and was refreshed within `max_age_ms` of now_ms.
bool RuntimeStatusFresh(const nlohmann::json& status, int64_t now_ms, int64_t max_age_ms = 10000);

}  // namespace titip::relay
