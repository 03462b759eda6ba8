// `titipctl queue`: the node's queue from the store, its links from the daemon's runtime file.
#include <iostream>
#include <nlohmann/json.hpp>

#include "context.h"
#include "queue_view.h"
#include "titip/relay/runtime_status.h"

namespace titip::cli {

Result<nlohmann::json> QueueJson(Context& ctx, storage::Store& store) {
  auto c = store.GetCounters();
  if (!c.ok()) return c.status();
  int64_t now_ms = ctx.NowMs();
  nlohmann::json j;
  j["node"] = store.node_id();
  j["queued"] = c->queued;
  j["undelivered"] = c->undelivered;
  j["oldest_queued_age_s"] =
      c->oldest_queued_ms ? std::max<int64_t>(0, (now_ms - c->oldest_queued_ms) / 1000) : 0;
  j["bytes"] = c->queued_bytes;
  j["store_bytes"] = c->map_used_bytes;
  j["store_cap_bytes"] = c->map_cap_bytes;
  j["upstreams"] = nlohmann::json::array();
  auto rt = relay::ReadRuntimeStatusFile(ctx.RuntimeStatusPath());
  bool running = rt && relay::RuntimeStatusFresh(*rt, now_ms);
  j["daemon_running"] = running;
  if (running) {
    j["upstreams"] = (*rt)["upstreams"];
  } else if (ctx.config) {
    for (const auto& u : ctx.config->upstreams) {
      j["upstreams"].push_back(
          {{"id", u.id}, {"state", "stopped"}, {"in_flight", 0}, {"last_ack_age_s", nullptr}});
    }
  }
  return j;
}

int CmdQueue(Context& ctx) {
  std::unique_ptr<storage::Store> store;
  if (int rc = ctx.OpenReadOnly(&store); rc != kOk) return rc;
  auto j = QueueJson(ctx, *store);
  if (!j.ok()) {
    std::cerr << "titipctl: " << j.status().ToString() << "\n";
    return ExitFor(j.status());
  }
  if (ctx.json) {
    std::cout << j->dump() << "\n";
    return kOk;
  }
  std::cout << "node         " << (*j)["node"].get<std::string>() << "\n"
            << "queued       " << (*j)["queued"] << "\n"
            << "undelivered  " << (*j)["undelivered"] << "\n"
            << "oldest age   " << (*j)["oldest_queued_age_s"] << " s\n"
            << "queued bytes " << (*j)["bytes"] << "\n";
  for (const auto& u : (*j)["upstreams"]) {
    std::cout << "upstream     " << u["id"].get<std::string>() << ": "
              << u["state"].get<std::string>() << ", " << u["in_flight"] << " bundles in flight\n";
  }
  return kOk;
}

}  // namespace titip::cli
