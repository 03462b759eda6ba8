// The deterministic simulator (SPEC §10.3): many custody engines in one process, each over its
// own real LMDB store, joined by a virtual lossy network, driven by one agenda of events in
// virtual time. No threads, no sleeps, no real clock: one SimConfig (with its seed) gives one
// exact run. Run() goes through the fault period, then a drain phase without faults, and
// checks the end-to-end invariants (sim_report.h).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "event_queue.h"
#include "path_tracker.h"
#include "sim_config.h"
#include "sim_node.h"
#include "sim_report.h"
#include "titip/common/clock.h"
#include "virtual_network.h"

namespace titip::sim {

class Simulation {
 public:
  explicit Simulation(SimConfig config);
  ~Simulation();  // removes every store
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Runs to the end of the drain phase and reports. Call once.
  SimResult Run();

 private:
  struct Frame {
    int from = -1, to = -1;
    bool up = true;  // to an upstream (OnDownstreamFrame there) or back down
    uint64_t conn = 0;
    wire::Envelope env;
  };

  // simulation.cc: set-up and the event loop.
  Status Setup();
  Status MakeNodes();
  void IndexPlannedPunches();
  void ScheduleStart();
  void Dispatch(const Event& e);
  void SetNow(MonoTime t);
  void Fail(std::string what);
  int IndexOf(const std::string& id) const;

  // simulation_io.cc: engine actions, frames, writes, terminals, ticks.
  void Flush(int n);
  void SendFrame(int from, int to, bool up, wire::Envelope env);
  void SendDown(int from, const std::string& route, wire::Envelope env);
  void Deliver(const Frame& f);
  void RunCommit(int n, uint64_t incarnation);
  void RecordSinkAccept(const relay::WriteRequest& w, const storage::IntakeOutcome& out);
  void Inject(int n);
  void RequestInject(int n, MonoTime at);
  int64_t PollAfter(int n, int64_t t) const;
  wire::Punch MakePunch(const NodeSpec& spec, const PlannedPunch& p) const;
  void OnTickEvent(int n, MonoTime at, uint64_t incarnation);
  void RequestTick(int n, MonoTime at);
  void Nudge(int n);  // tick as soon as allowed: something changed
  MonoTime NextTimer(const SimNode& node) const;

  // simulation_faults.cc: faults, restarts, paths, the drain phase, progress.
  void ScheduleFaults();
  void OnFault(const Event& e);
  void StartNode(int n, MonoTime first_tick);
  void CrashNode(int n);
  void OnFaultEnd();
  void UpdatePaths();
  bool PathUp(int n, int depth) const;
  bool Drained();
  void OnDrainCheck();
  void OnDayMark();

  // sim_report.cc: invariants and numbers at the end.
  SimResult Report();
  void CountSink(SimResult* r, std::vector<int>* copies);
  void CountDelays(SimResult* r, const std::vector<int>& copies);
  void CountNodes(SimResult* r);
  // sim_diagnose.cc: where the missing punches are, for a failed run's report; trace lines.
  std::string Describe(const Frame& f) const;
  std::string Describe(const SimNode& node, const SimNode::Done& d) const;
  void Diagnose(SimResult* r, const std::vector<int>& copies);
  void DiagnoseCarriers(SimResult* r);
  void DiagnoseOrigin(SimResult* r, SimNode& node, const std::vector<int>& copies, size_t* budget);

  SimConfig cfg_;
  std::string dir_;
  ManualClock clock_;
  MonoTime now_{0};
  EventQueue queue_;
  Slab<Frame> frames_;
  std::vector<std::unique_ptr<SimNode>> nodes_;
  std::map<std::string, int> index_;  // node id -> index
  int sink_ = -1;
  VirtualNetwork net_;
  PathTracker paths_;
  Rng session_rng_;
  std::vector<int> crash_depth_;
  std::vector<MonoTime> inject_at_;
  std::vector<int64_t> poll_phase_;  // seconds, per node
  bool faults_over_ = false, done_ = false, drained_ = false;
  MonoTime drained_at_{};

  // Ground truth: every planned punch by natural key, and when the sink stored it.
  std::vector<size_t> plan_offset_;                       // per node: index of its first punch
  std::vector<std::pair<std::string, size_t>> nk_index_;  // sorted by natural key
  std::vector<MonoTime> stored_at_;
  std::set<storage::PunchKey> sink_ids_;  // mirror of the sink's dedupe, checked per commit
  std::set<std::string> sink_nks_;
  SimCounters counters_;
  std::vector<std::string> failures_;
};

}  // namespace titip::sim
