// When a run fails, say where the missing punches are: for each origin with undelivered punches,
// its receipt against the sink's progress, and for the first few punches that never reached
// the sink, their state at the origin and at every relay. Also the --trace lines (frames and
// commits). This is what an engine bug report needs, next to the seed.
#include <algorithm>
#include <map>

#include "simulation.h"
#include "titip/relay/punch_codec.h"

namespace titip::sim {
namespace {

std::string StateOf(storage::Store& st, const storage::PunchKey& k) {
  auto s = st.GetState(k);
  if (!s.ok()) return "error";
  return s->has_value() ? storage::StateName(**s) : "absent";
}

// " (n) [origin first-last, ...]" of a bundle's punches, for the trace.
std::string BundleContents(const wire::Bundle& b) {
  std::vector<wire::Punch> punches(b.punches().begin(), b.punches().end());
  if (!b.packed().empty() && !relay::UnpackPunches(b.packed(), &punches).ok()) return " [bad]";
  std::map<std::string, std::pair<uint64_t, uint64_t>> seqs;
  for (const auto& p : punches) {
    auto [it, fresh] = seqs.try_emplace(p.origin(), p.seq(), p.seq());
    if (!fresh) {
      it->second.first = std::min(it->second.first, p.seq());
      it->second.second = std::max(it->second.second, p.seq());
    }
  }
  std::string out = " (" + std::to_string(punches.size()) + ") [";
  for (const auto& [origin, range] : seqs) {
    out += origin + " " + std::to_string(range.first) + "-" + std::to_string(range.second) + ",";
  }
  return out + "]";
}

std::string Receipts(const google::protobuf::RepeatedPtrField<wire::Receipt>& receipts) {
  std::string out;
  for (const auto& r : receipts) out += " r:" + r.origin() + "@" + std::to_string(r.through_seq());
  return out;
}

}  // namespace

// "<ms> ms <from> -> <to> <kind> ...": receipts on hellos and acks, contents of bundles.
std::string Simulation::Describe(const Frame& f) const {
  const wire::Envelope& e = f.env;
  std::string what = "other";
  if (e.has_hello()) {
    what =
        "hello cost " + std::to_string(e.hello().cost_to_sink()) + Receipts(e.hello().receipts());
  } else if (e.has_bundle()) {
    what = "bundle " + std::to_string(e.bundle().bundle_seq()) + BundleContents(e.bundle());
  } else if (e.has_ack()) {
    what = "ack" + Receipts(e.ack().receipts());
  } else if (e.has_telemetry()) {
    what = "telemetry of " + e.telemetry().node();
  }
  return std::to_string(now_.count() / 1'000'000) + " ms " + nodes_[f.from]->id() + " -> " +
         nodes_[f.to]->id() + " " + what;
}

std::string Simulation::Describe(const SimNode& node, const SimNode::Done& d) const {
  return std::to_string(now_.count() / 1'000'000) + " ms " + node.id() + " write " +
         std::to_string(static_cast<int>(d.req.kind)) + " punches " +
         std::to_string(d.req.punches.size()) + " keys " + std::to_string(d.req.keys.size()) +
         " receipts " + std::to_string(d.req.receipts.size()) + " added " +
         std::to_string(d.outcome.added) + " duplicates " + std::to_string(d.outcome.duplicates) +
         ": " + d.status.ToString();
}

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
