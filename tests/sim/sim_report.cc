// The end of a run: the invariants of SPEC §10.3, read from the stores themselves (the sink's
// ForEachPunch, every store's counters), and the per-unit-day delay numbers from the times the
// sink committed each punch. Any broken invariant becomes a line in SimResult::failures.
#include <algorithm>

#include "simulation.h"

namespace titip::sim {
namespace {

int64_t Percentile(std::vector<int64_t>* v, int per_mille) {
  if (v->empty()) return 0;
  size_t k = (v->size() - 1) * static_cast<size_t>(per_mille) / 1000;
  std::nth_element(v->begin(), v->begin() + static_cast<ptrdiff_t>(k), v->end());
  return (*v)[k];
}

}  // namespace

// Counts the sink's final copies per planned punch (by natural key and by identity).
void Simulation::CountSink(SimResult* r, std::vector<int>* copies) {
  copies->assign(stored_at_.size(), 0);
  std::set<storage::PunchKey> ids;
  Status s = nodes_[sink_]->store().ForEachPunch([&](const wire::Punch& p, storage::PunchState st) {
    if (st != storage::PunchState::kStored) return true;
    if (!ids.insert(storage::KeyOf(p)).second) ++r->duplicates;
    std::string nk = storage::NaturalKey(p);
    auto it = std::lower_bound(nk_index_.begin(), nk_index_.end(), std::make_pair(nk, size_t{0}));
    if (it == nk_index_.end() || it->first != nk) {
      ++r->unknown;
    } else if ((*copies)[it->second]++ > 0) {
      ++r->duplicates;
    }
    return true;
  });
  if (!s.ok()) Fail("cannot read the sink: " + s.ToString());
  r->punches = stored_at_.size();
  for (size_t i = 0; i < copies->size(); ++i) {
    if ((*copies)[i] == 0) continue;
    ++r->stored;
    if (stored_at_[i] == kNever) Fail("a punch is at the sink but its commit was not seen");
  }
  r->lost = r->punches - r->stored;
}

// Delay per punch; a unit-day is late when any of its punches took longer than late_after_s
// (or never arrived), and late despite a path when the unit could reach the sink for at least
// path_needed_s inside that time.
void Simulation::CountDelays(SimResult* r, const std::vector<int>& copies) {
  std::vector<int64_t> delays;
  for (size_t n = 0; n < nodes_.size(); ++n) {
    const auto& plan = nodes_[n]->spec().punches;
    int64_t day = -1;
    bool late = false, despite = false;
    auto close_day = [&] {
      r->unit_days_late += late;
      r->unit_days_late_despite_path += despite;
    };
    for (size_t i = 0; i < plan.size(); ++i) {
      size_t g = plan_offset_[n] + i;
      if (plan[i].time_s / kDaySeconds != day) {
        if (day >= 0) close_day();
        day = plan[i].time_s / kDaySeconds;
        late = despite = false;
        ++r->unit_days;
      }
      MonoTime made = Seconds(plan[i].time_s);
      int64_t delay = copies[g] ? (stored_at_[g] - made).count() / kNsPerSecond : INT64_MAX;
      if (copies[g]) delays.push_back(delay);
      if (delay <= cfg_.late_after_s) continue;
      late = true;
      MonoTime deadline = made + Seconds(cfg_.late_after_s);
      if (paths_.UpSeconds(static_cast<int>(n), made, deadline) >= cfg_.path_needed_s) {
        despite = true;
      }
    }
    if (day >= 0) close_day();
  }
  r->max_delay_s = delays.empty() ? 0 : *std::max_element(delays.begin(), delays.end());
  r->p50_delay_s = Percentile(&delays, 500);
  r->p99_delay_s = Percentile(&delays, 990);
}

void Simulation::CountNodes(SimResult* r) {
  for (auto& node : nodes_) {
    if (node->spec().role == storage::Role::kOrigin) ++r->gateways;
    NodeTotals t = node->totals();
    r->per_node.push_back({node->id(), t.engine.bundles_received, t.engine.punches_accepted,
                           t.engine.failovers, t.crashes});
    r->bundles_sent += t.engine.bundles_sent;
    r->bundles_retried += t.engine.bundles_retried;
    r->bundles_refused += t.engine.bundles_refused;
    r->failovers += t.engine.failovers;
    r->requeues += t.engine.requeues;
    r->requeued_punches += t.requeued_punches;
    r->writes += t.writes;
    r->commits += t.commits;
    r->writes_lost_in_crash += t.writes_lost;
    r->writes_accept +=
        t.writes_by_kind[static_cast<int>(relay::WriteRequest::Kind::kAcceptBundle)];
    r->writes_custody +=
        t.writes_by_kind[static_cast<int>(relay::WriteRequest::Kind::kMarkCustody)];
    r->writes_terminal += t.writes_by_kind[4];
    if (node.get() == nodes_[sink_].get()) r->sink_duplicates_absorbed = t.engine.punches_duplicate;
    if (!node->alive()) continue;
    auto c = node->source().Counters();
    if (!c.ok()) {
      Fail(node->id() + ": cannot read counters: " + c.status().ToString());
      continue;
    }
    r->queued_at_end += c->queued;
    if (node->spec().role == storage::Role::kOrigin) r->undelivered_at_end += c->undelivered;
  }
}

SimResult Simulation::Report() {
  SimResult r;
  r.seed = cfg_.seed;
  r.days = cfg_.fault_end.count() / kNsPerSecond / kDaySeconds;
  r.nodes = nodes_.size();
  std::vector<int> copies;
  CountSink(&r, &copies);
  CountDelays(&r, copies);
  CountNodes(&r);
  r.drained = drained_;
  r.sim_days = static_cast<double>(now_.count()) / (kNsPerSecond * double{kDaySeconds});
  if (drained_) r.drain_hours = (drained_at_ - cfg_.fault_end).count() / (kNsPerSecond * 3600.0);
  const auto& nc = net_.counters();
  r.frames = nc.frames;
  r.bytes = nc.bytes;
  r.frames_lost = nc.lost_down + nc.lost_dice + nc.lost_reset;
  r.crashes = counters_.crashes;
  r.link_spells = counters_.link_spells;
  r.events = counters_.events;
  r.failures = failures_;
  auto check = [&](bool ok, const std::string& what) {
    if (!ok) r.failures.push_back(what);
  };
  check(r.lost == 0, std::to_string(r.lost) + " punches never reached the sink");
  check(r.duplicates == 0, std::to_string(r.duplicates) + " duplicate copies at the sink");
  check(r.unknown == 0, std::to_string(r.unknown) + " punches at the sink were never made");
  check(r.queued_at_end == 0, std::to_string(r.queued_at_end) + " punches still queued");
  check(r.undelivered_at_end == 0,
        std::to_string(r.undelivered_at_end) + " punches without a receipt at their origin");
  check(drained_, "not drained by the cap");
  check(counters_.frames_misrouted == 0, "frames to unknown peers");
  if (!r.ok()) Diagnose(&r, copies);
  return r;
}

nlohmann::ordered_json SimResult::ToJson() const {
  nlohmann::ordered_json j;
  j["seed"] = seed;
  j["days"] = days;
  j["nodes"] = nodes;
  j["gateways"] = gateways;
  j["punches"] = punches;
  j["stored"] = stored;
  j["lost"] = lost;
  j["duplicates"] = duplicates;
  j["unknown"] = unknown;
  j["undelivered_at_end"] = undelivered_at_end;
  j["queued_at_end"] = queued_at_end;
  j["drained"] = drained;
  j["max_delay_s"] = max_delay_s;
  j["p50_delay_s"] = p50_delay_s;
  j["p99_delay_s"] = p99_delay_s;
  j["unit_days"] = unit_days;
  j["unit_days_late"] = unit_days_late;
  j["unit_days_late_despite_path"] = unit_days_late_despite_path;
  j["sim_days"] = sim_days;
  j["drain_hours"] = drain_hours;
  j["bundles_sent"] = bundles_sent;
  j["bundles_retried"] = bundles_retried;
  j["bundles_refused"] = bundles_refused;
  j["failovers"] = failovers;
  j["requeues"] = requeues;
  j["requeued_punches"] = requeued_punches;
  j["sink_duplicates_absorbed"] = sink_duplicates_absorbed;
  j["crashes"] = crashes;
  j["link_spells"] = link_spells;
  j["frames"] = frames;
  j["frames_lost"] = frames_lost;
  j["bytes"] = bytes;
  j["commits"] = commits;
  j["writes"] = writes;
  j["writes_accept"] = writes_accept;
  j["writes_custody"] = writes_custody;
  j["writes_terminal"] = writes_terminal;
  j["writes_lost_in_crash"] = writes_lost_in_crash;
  j["events"] = events;
  j["ok"] = ok();
  j["failures"] = failures;
  return j;
}

}  // namespace titip::sim
