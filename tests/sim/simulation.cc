// Set-up and the event loop of the simulator (see simulation.h). Time moves only here: each
// event sets `now`, and the stores' ManualClock follows it, so wall-clock stamps in the stores
// (received_at, telemetry) are virtual too.
#include "simulation.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

namespace titip::sim {
namespace {

enum Stream : uint64_t { kNetworkStream = 1, kSessionStream = 2, kEpochStream = 4 };

// Virtual time 0 is civil_start in WIB (UTC+7); the stores' wall clock starts there in UTC.
WallTime WallAtStart(const SimConfig& c) { return WallTime((c.civil_start - 7 * 3600) * 1000); }

std::string TmpRoot(const std::string& configured) {
  if (!configured.empty()) return configured;
  if (access("/dev/shm", W_OK) == 0) return "/dev/shm";
  const char* env = getenv("TMPDIR");
  return env && *env ? env : "/tmp";
}

}  // namespace

Simulation::Simulation(SimConfig config)
    : cfg_(std::move(config)),
      clock_(WallAtStart(cfg_)),
      net_(cfg_.nodes.size(), SubSeed(cfg_.seed, kNetworkStream)),
      paths_(cfg_.nodes.size()),
      session_rng_(SubSeed(cfg_.seed, kSessionStream)),
      crash_depth_(cfg_.nodes.size(), 0),
      inject_at_(cfg_.nodes.size(), kNever) {}

Simulation::~Simulation() {
  nodes_.clear();  // closes the stores first
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

void Simulation::Fail(std::string what) {
  if (failures_.size() < 50) failures_.push_back(std::move(what));
}

int Simulation::IndexOf(const std::string& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? -1 : it->second;
}

void Simulation::SetNow(MonoTime t) {
  if (t > now_) {
    clock_.Advance(t - now_);
    now_ = t;
  }
}

Status Simulation::MakeNodes() {
  std::string tmpl = TmpRoot(cfg_.tmp_root) + "/titip-sim-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) return Status::IoError("mkdtemp " + tmpl);
  dir_ = tmpl;
  for (size_t i = 0; i < cfg_.nodes.size(); ++i) {
    const NodeSpec& s = cfg_.nodes[i];
    if (!index_.emplace(s.id, static_cast<int>(i)).second) {
      return Status::Invalid("node id twice: " + s.id);
    }
    if (s.role == storage::Role::kSink) {
      if (sink_ >= 0) return Status::Invalid("more than one sink");
      sink_ = static_cast<int>(i);
    }
    // Never 0, which would ask the store for a random one.
    const uint64_t epoch = SubSeed(SubSeed(cfg_.seed, kEpochStream), i) | 1;
    nodes_.push_back(
        std::make_unique<SimNode>(static_cast<int>(i), s, dir_ + "/" + s.id, epoch, clock_));
  }
  if (sink_ < 0) return Status::Invalid("no sink");
  for (size_t i = 0; i < cfg_.nodes.size(); ++i) {
    for (const auto& u : cfg_.nodes[i].upstreams) {
      int j = IndexOf(u.id);
      if (j < 0) return Status::Invalid(cfg_.nodes[i].id + ": unknown upstream " + u.id);
      net_.Connect(static_cast<int>(i), j, cfg_.nodes[i].uplink);
      nodes_[i]->upstream_index.push_back(j);
    }
  }
  return Status::Ok();
}

// Every planned punch by natural key: the ground truth the sink is checked against.
void Simulation::IndexPlannedPunches() {
  size_t total = 0;
  for (const auto& n : nodes_) {
    plan_offset_.push_back(total);
    for (const auto& p : n->spec().punches) {
      nk_index_.emplace_back(storage::NaturalKey(MakePunch(n->spec(), p)), total++);
    }
  }
  std::sort(nk_index_.begin(), nk_index_.end());
  for (size_t i = 1; i < nk_index_.size(); ++i) {
    if (nk_index_[i].first == nk_index_[i - 1].first) {
      Fail("the workload has two punches with one natural key");
      break;
    }
  }
  stored_at_.assign(total, kNever);
}

void Simulation::ScheduleStart() {
  Rng phase(SubSeed(cfg_.seed, 3));
  for (size_t i = 0; i < nodes_.size(); ++i) {
    poll_phase_.push_back(cfg_.terminal_poll_s > 0 ? phase.Between(0, cfg_.terminal_poll_s - 1)
                                                   : 0);
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    int n = static_cast<int>(i);
    // Spread the nodes' timers so that they do not all tick at the same instant.
    StartNode(n, std::chrono::milliseconds(phase.Between(0, cfg_.engine.heartbeat.count() - 1)));
  }
  UpdatePaths();
  ScheduleFaults();
  queue_.Push(cfg_.fault_end, EventKind::kFaultEnd);
  queue_.Push(Seconds(kDaySeconds), EventKind::kDayMark);
}

Status Simulation::Setup() {
  if (Status s = MakeNodes(); !s.ok()) return s;
  IndexPlannedPunches();
  ScheduleStart();
  return Status::Ok();
}

SimResult Simulation::Run() {
  if (Status s = Setup(); !s.ok()) {
    Fail("set-up: " + s.ToString());
    SimResult r;
    r.seed = cfg_.seed;
    r.failures = failures_;
    return r;
  }
  while (!done_ && !queue_.Empty()) {
    Event e = queue_.Pop();
    SetNow(e.at);
    ++counters_.events;
    Dispatch(e);
  }
  return Report();
}

void Simulation::Dispatch(const Event& e) {
  switch (e.kind) {
    case EventKind::kTick:
      OnTickEvent(e.node, e.at, e.arg);
      break;
    case EventKind::kDeliver:
      Deliver(frames_.At(e.arg));
      frames_.Release(e.arg);
      break;
    case EventKind::kWrite:
      RunCommit(e.node, e.arg);
      break;
    case EventKind::kInject:
      if (e.at == inject_at_[e.node]) {
        inject_at_[e.node] = kNever;
        Inject(e.node);
      }
      break;
    case EventKind::kLinkDown:
    case EventKind::kLinkUp:
    case EventKind::kCrash:
    case EventKind::kRestart:
      OnFault(e);
      break;
    case EventKind::kFaultEnd:
      OnFaultEnd();
      break;
    case EventKind::kDrainCheck:
      OnDrainCheck();
      break;
    case EventKind::kDayMark:
      OnDayMark();
      break;
  }
}

}  // namespace titip::sim
