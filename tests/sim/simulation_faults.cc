// Faults and the phases of a run (see simulation.h): link spells and crashes from the plan,
// restarts over the same store, the working-path record behind "late despite path", the drain
// phase after the faults stop, and one progress line per virtual day.
#include <algorithm>

#include "simulation.h"

namespace titip::sim {

void Simulation::ScheduleFaults() {
  auto schedule = [&](const std::vector<Spell>& spells, EventKind down, EventKind up) {
    for (const Spell& s : spells) {
      if (s.from >= cfg_.fault_end || s.to <= s.from) continue;
      queue_.Push(s.from, down, s.node);
      queue_.Push(std::min(s.to, cfg_.fault_end), up, s.node);
    }
  };
  schedule(cfg_.faults.link_down, EventKind::kLinkDown, EventKind::kLinkUp);
  schedule(cfg_.faults.crashes, EventKind::kCrash, EventKind::kRestart);
}

void Simulation::OnFault(const Event& e) {
  if (faults_over_) return;  // OnFaultEnd already brought everything up
  int n = e.node;
  switch (e.kind) {
    case EventKind::kLinkDown:
      ++counters_.link_spells;
      net_.LinkDown(n);
      break;
    case EventKind::kLinkUp:
      net_.LinkUp(n);
      break;
    case EventKind::kCrash:
      if (crash_depth_[n]++ == 0) CrashNode(n);
      break;
    case EventKind::kRestart:
      if (crash_depth_[n] > 0 && --crash_depth_[n] == 0) StartNode(n, now_);
      break;
    default:
      break;
  }
  UpdatePaths();
}

void Simulation::StartNode(int n, MonoTime first_tick) {
  SimNode& node = *nodes_[n];
  if (Status s = node.Start(cfg_.engine, session_rng_.Next()); !s.ok()) {
    Fail(node.id() + ": cannot start: " + s.ToString());
    return;
  }
  net_.SetAlive(n, true);
  RequestTick(n, first_tick);
  if (!node.spec().punches.empty()) Inject(n);  // what the terminal kept meanwhile
}

void Simulation::CrashNode(int n) {
  ++counters_.crashes;
  nodes_[n]->Crash();
  net_.SetAlive(n, false);
}

void Simulation::OnFaultEnd() {
  faults_over_ = true;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    int n = static_cast<int>(i);
    net_.ForceUp(n);
    crash_depth_[i] = 0;
    if (!nodes_[i]->alive()) StartNode(n, now_);
  }
  UpdatePaths();
  queue_.Push(now_ + Seconds(60), EventKind::kDrainCheck);
  if (cfg_.progress) cfg_.progress("faults over; draining");
}

void Simulation::UpdatePaths() {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i]->spec().role != storage::Role::kOrigin) continue;
    int n = static_cast<int>(i);
    paths_.Record(n, now_, PathUp(n, 0));
  }
}

// Up, and (the sink, or an upstream with a path): what "a working path" means in the report.
bool Simulation::PathUp(int n, int depth) const {
  if (depth > 8 || !net_.Reachable(n)) return false;
  if (n == sink_) return true;
  for (int u : nodes_[n]->upstream_index) {
    if (PathUp(u, depth + 1)) return true;
  }
  return false;
}

bool Simulation::Drained() {
  for (auto& node : nodes_) {
    if (!node->alive() || node->inject_cursor < node->spec().punches.size()) return false;
    auto c = node->source().Counters();
    if (!c.ok() || c->queued != 0) return false;
    if (node->spec().role == storage::Role::kOrigin && c->undelivered != 0) return false;
  }
  return true;
}

void Simulation::OnDrainCheck() {
  if (Drained()) {
    drained_ = true;
    drained_at_ = now_;
    done_ = true;
  } else if (now_ >= cfg_.drain_cap) {
    done_ = true;
  } else {
    queue_.Push(now_ + Seconds(60), EventKind::kDrainCheck);
  }
}

void Simulation::OnDayMark() {
  if (cfg_.progress) {
    uint64_t queued = 0, undelivered = 0;
    for (auto& node : nodes_) {
      if (!node->alive()) continue;
      auto c = node->source().Counters();
      if (!c.ok()) continue;
      queued += c->queued;
      if (node->spec().role == storage::Role::kOrigin) undelivered += c->undelivered;
    }
    cfg_.progress("day " + std::to_string(now_.count() / kNsPerSecond / kDaySeconds) +
                  ": punches " + std::to_string(counters_.punches_injected) + ", at sink " +
                  std::to_string(sink_nks_.size()) + ", queued " + std::to_string(queued) +
                  ", undelivered " + std::to_string(undelivered) + ", events " +
                  std::to_string(counters_.events));
  }
  queue_.Push(now_ + Seconds(kDaySeconds), EventKind::kDayMark);
}

}  // namespace titip::sim
