// Writer and reader of the runtime status file (see the public header for why it exists).
#include "titip/relay/runtime_status.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace titip::relay {

Status WriteRuntimeStatusFile(const std::string& path, const RuntimeSnapshot& s) {
  nlohmann::json j;
  j["pid"] = getpid();
  j["node"] = s.node;
  j["updated_at_ms"] = s.wall_ms;
  j["upstreams"] = nlohmann::json::array();
  for (const auto& l : s.upstreams) {
    nlohmann::json u;
    u["id"] = l.id;
    u["state"] = LinkStateName(l.state);
    u["in_flight"] = l.in_flight;
    u["active"] = l.active;
    u["cost"] = l.cost == kNoRoute ? nlohmann::json(nullptr) : nlohmann::json(l.cost);
    if (l.last_ack) {
      u["last_ack_age_s"] =
          std::chrono::duration_cast<std::chrono::seconds>(s.now - *l.last_ack).count();
    } else {
      u["last_ack_age_s"] = nullptr;
    }
    j["upstreams"].push_back(u);
  }
  const EngineCounters& e = s.engine;
  j["counters"] = {{"bundles_sent", e.bundles_sent},
                   {"bundles_retried", e.bundles_retried},
                   {"bundles_acked", e.bundles_acked},
                   {"punches_acked", e.punches_acked},
                   {"bundles_received", e.bundles_received},
                   {"punches_accepted", e.punches_accepted},
                   {"punches_duplicate", e.punches_duplicate},
                   {"punches_rejected", e.punches_rejected},
                   {"bundles_refused", e.bundles_refused},
                   {"frames_ignored", e.frames_ignored},
                   {"receipts_received", e.receipts_received},
                   {"failovers", e.failovers},
                   {"requeues", e.requeues},
                   {"telemetry_forwarded", e.telemetry_forwarded},
                   {"punches_quarantined", e.punches_quarantined},
                   {"seals_sent", e.seals_sent},
                   {"seals_malformed", e.seals_malformed},
                   {"frames_in", s.loop.frames_in},
                   {"frames_out", s.loop.frames_out},
                   {"frames_malformed", s.loop.frames_malformed},
                   {"frames_dropped", s.loop.frames_dropped},
                   {"writes_failed", s.loop.writes_failed},
                   {"frames_unauthenticated", s.loop.frames_unauthenticated},
                   {"zap_accepted", s.loop.zap_accepted},
                   {"zap_rejected", s.loop.zap_rejected},
                   {"handshakes_failed", s.loop.handshakes_failed},
                   {"bundles_foreign_origin", s.loop.bundles_foreign_origin}};
  if (!s.terminals.is_null()) j["terminals"] = s.terminals;
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << j.dump() << "\n";
    if (!f) return Status::IoError("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::IoError("cannot rename " + tmp);
  return Status::Ok();
}

std::optional<nlohmann::json> ReadRuntimeStatusFile(const std::string& path) {
  std::ifstream f(path);
  if (!f) return std::nullopt;
  auto j = nlohmann::json::parse(f, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

bool RuntimeStatusFresh(const nlohmann::json& j, int64_t now_ms, int64_t max_age_ms) {
  if (!j.contains("pid") || !j["pid"].is_number_integer() || !j.contains("updated_at_ms")) {
    return false;
  }
  pid_t pid = j["pid"].get<pid_t>();
  if (pid <= 0 || kill(pid, 0) != 0) return false;
  int64_t age = now_ms - j["updated_at_ms"].get<int64_t>();
  return age <= max_age_ms && age >= -max_age_ms;
}

}  // namespace titip::relay
