// One simulated node: a real LMDB store in its own directory, the custody engine over it, and
// the PunchSource the engine reads through. Crash() destroys the engine — every in-memory
// state with it — and closes the store; Start() reopens the same store under a new engine, as
// a daemon restarted after kill -9 or a power cut would.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim_config.h"
#include "titip/relay/engine.h"
#include "titip/storage/store.h"

namespace titip::sim {

// The store as the engine's PunchSource, like the daemon's StoreSource, with reads memoised per
// store version: the node bumps the version on every write, and a read's answer depends only
// on the store's contents and its arguments, so the memo is exact. (Idle engines ask for the
// queue on every tick and frame; without the memo that is most of the simulator's time.)
class CachedSource final : public relay::PunchSource {
 public:
  CachedSource(storage::Store* store, const Clock& clock) : store_(store), clock_(clock) {}
  Result<size_t> FetchQueued(uint64_t after_qseq, size_t max_punches, size_t max_bytes,
                             std::vector<storage::QueuedPunch>* buf) override;
  wire::Telemetry Snapshot() override;
  Result<storage::Counters> Counters();
  void Bump() { ++version_; }

 private:
  storage::Store* store_;
  const Clock& clock_;
  uint64_t version_ = 1;
  uint64_t empty_version_ = 0, empty_after_ = 0;  // the queue holds nothing past empty_after_
  uint64_t counters_version_ = 0;
  storage::Counters counters_;
};

struct NodeTotals {  // over every incarnation of the node
  relay::EngineCounters engine;
  uint64_t commits = 0, writes = 0, writes_failed = 0, writes_lost = 0;
  uint64_t writes_by_kind[5] = {};  // WriteRequest::Kind, then AppendLocal
  uint64_t bad_receipts = 0, requeued_punches = 0;
  uint64_t crashes = 0;
};

class SimNode {
 public:
  // `store_epoch`: the epoch its store takes when Start() first creates it (non-zero).
  SimNode(int index, NodeSpec spec, std::string dir, uint64_t store_epoch, const Clock& clock);
  ~SimNode();

  // Opens the store (creating it the first time) and makes a new engine from `tmpl`.
  Status Start(relay::EngineOptions tmpl, uint64_t link_session);
  // The process dies: engine gone, store closed, queued and running writes lost (counted).
  void Crash();

  bool alive() const { return engine_ != nullptr; }
  uint64_t incarnation() const { return incarnation_; }
  const std::string& id() const { return spec_.id; }
  // Routing id of this incarnation, as a ROUTER socket would name the connection: opaque to
  // the engine; "<node index>.<incarnation>" so the simulator finds the peer without a lookup.
  const std::string& route() const { return route_; }
  int index() const { return index_; }
  const NodeSpec& spec() const { return spec_; }
  relay::Engine& engine() { return *engine_; }
  storage::Store& store() { return *store_; }
  CachedSource& source() { return *source_; }

  // Store writes go through an emulated group committer (storage/group_commit.h): writes
  // submitted while a commit runs form the next batch, one LMDB transaction each, executed
  // as NodeLoop::SubmitWrite does. Precondition for all three: alive().
  void Submit(relay::WriteRequest w) { queued_.push_back(std::move(w)); }
  // Starts the next batch from what is queued; false when a commit runs or nothing is queued.
  bool StartCommit();
  struct Done {
    relay::WriteRequest req;
    Status status;
    storage::IntakeOutcome outcome;
  };
  // Commits the running batch; every write with its outcome, in submission order.
  std::vector<Done> FinishCommit();
  // Terminal intake: AppendLocal of `punches` in one commit.
  Status AppendLocal(std::vector<wire::Punch>* punches, storage::IntakeOutcome* outcome);
  // Counters of every incarnation so far, including the live one.
  NodeTotals totals() const;

  // Scheduling state kept by the Simulation.
  MonoTime last_tick = MonoTime::min() / 2;
  MonoTime tick_at = kNever;  // the pending tick event; kNever when none
  MonoTime next_hello{};
  size_t inject_cursor = 0;         // gateways: punches handed to the store so far
  std::vector<int> upstream_index;  // node index of each spec().upstreams entry

 private:
  struct OpState {
    storage::IntakeOutcome outcome;
    uint64_t bad_receipts = 0, requeued = 0;
  };
  storage::WriteOp MakeOp(const relay::WriteRequest& w, OpState* st) const;
  void Count(int kind, const Status& s);

  int index_;
  NodeSpec spec_;
  std::string dir_;
  uint64_t store_epoch_;
  const Clock& clock_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<CachedSource> source_;
  std::unique_ptr<relay::Engine> engine_;
  uint64_t incarnation_ = 0;
  std::string route_;
  NodeTotals totals_;  // of past incarnations, plus write counters
  std::vector<relay::WriteRequest> queued_, running_;
};

void AddCounters(relay::EngineCounters* to, const relay::EngineCounters& from);

}  // namespace titip::sim
