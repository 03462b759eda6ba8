// When a run fails, say where the missing punches are: for each origin with undelivered punches,
// its receipt against the sink's progress, and for the first few punches that never reached
// the sink, their state at the origin and at every relay. This is what an engine bug report
// needs, next to the seed.
#include <algorithm>

#include "simulation.h"

namespace titip::sim {
namespace {

std::string StateOf(storage::Store& st, const storage::PunchKey& k) {
  auto s = st.GetState(k);
  if (!s.ok()) return "error";
  return s->has_value() ? storage::StateName(**s) : "absent";
}

}  // namespace

// Relays and the sink: what they hold and how their bundles fared.
void Simulation::DiagnoseCarriers(SimResult* r) {
  for (auto& node : nodes_) {
    if (node->spec().role == storage::Role::kOrigin || !node->alive()) continue;
    relay::EngineCounters e = node->totals().engine;
    auto c = node->source().Counters();
    r->details.push_back(
        node->id() + ": queued " + std::to_string(c.ok() ? c->queued : 0) + ", bundles sent " +
        std::to_string(e.bundles_sent) + " retried " + std::to_string(e.bundles_retried) +
        " acked " + std::to_string(e.bundles_acked) + ", received " +
        std::to_string(e.bundles_received) + " refused " + std::to_string(e.bundles_refused));
  }
}

// One origin: its receipt against the sink's progress, and (up to `*budget` in all) punches
// that never reached the sink, with their state at the origin, every relay and the sink.
void Simulation::DiagnoseOrigin(SimResult* r, SimNode& node, const std::vector<int>& copies,
                                size_t* budget) {
  storage::Store& sink = nodes_[sink_]->store();
  auto c = node.source().Counters();
  uint64_t epoch = node.store().epoch();
  auto own = node.store().Through(node.id(), epoch);
  auto at_sink = sink.Through(node.id(), epoch);
  if (c.ok() && (c->undelivered || c->queued)) {
    r->details.push_back(node.id() + ": queued " + std::to_string(c->queued) + ", undelivered " +
                         std::to_string(c->undelivered) + ", own receipt through " +
                         std::to_string(own.ok() ? *own : 0) + ", sink stored through " +
                         std::to_string(at_sink.ok() ? *at_sink : 0));
  }
  Status s = node.store().ForEachPunch([&](const wire::Punch& p, storage::PunchState st) {
    if (*budget == 0) return false;
    auto it = std::lower_bound(nk_index_.begin(), nk_index_.end(),
                               std::make_pair(storage::NaturalKey(p), size_t{0}));
    if (it == nk_index_.end() || it->first != storage::NaturalKey(p) || copies[it->second] > 0) {
      return true;
    }
    --*budget;
    std::string line = "missing " + node.id() + " seq " + std::to_string(p.seq()) + " (made at " +
                       std::to_string(p.device_time() - cfg_.civil_start) + " s): at origin " +
                       storage::StateName(st);
    for (auto& other : nodes_) {
      if (other->spec().role != storage::Role::kRelay || !other->alive()) continue;
      line += ", at " + other->id() + " " + StateOf(other->store(), storage::KeyOf(p));
    }
    r->details.push_back(line + ", at sink " + StateOf(sink, storage::KeyOf(p)));
    return true;
  });
  if (!s.ok()) r->details.push_back(node.id() + ": cannot read: " + s.ToString());
}

void Simulation::Diagnose(SimResult* r, const std::vector<int>& copies) {
  DiagnoseCarriers(r);
  size_t budget = 5;
  for (auto& node : nodes_) {
    if (node->spec().role == storage::Role::kOrigin && node->alive()) {
      DiagnoseOrigin(r, *node, copies, &budget);
    }
  }
}

}  // namespace titip::sim
