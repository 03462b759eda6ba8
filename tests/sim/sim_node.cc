// A simulated node (see sim_node.h). Writes are executed exactly as relay/src/node_loop.cc
// executes them against the store, so the engine sees the same outcomes as in a daemon; only
// the group committer's thread is missing (the simulator commits after a virtual disk delay).
#include "sim_node.h"

#include <algorithm>

namespace titip::sim {

Result<size_t> CachedSource::FetchQueued(uint64_t after_qseq, size_t max_punches, size_t max_bytes,
                                         std::vector<storage::QueuedPunch>* buf) {
  if (empty_version_ == version_ && after_qseq >= empty_after_) return size_t{0};
  auto n = store_->FetchQueuedInto(after_qseq, max_punches, max_bytes, buf);
  if (n.ok() && *n == 0) {
    empty_version_ = version_;
    empty_after_ = after_qseq;
  }
  return n;
}

Result<storage::Counters> CachedSource::Counters() {
  if (counters_version_ != version_) {
    auto c = store_->GetCounters();
    if (!c.ok()) return c.status();
    counters_ = *c;
    counters_version_ = version_;
  }
  return counters_;
}

// As the daemon's StoreSource (relay/src/daemon.cc).
wire::Telemetry CachedSource::Snapshot() {
  wire::Telemetry t;
  auto c = Counters();
  if (!c.ok()) return t;
  t.set_queued(c->queued);
  t.set_undelivered(c->undelivered);
  t.set_bytes(c->queued_bytes);
  if (c->oldest_queued_ms) {
    t.set_oldest_queued_age_s(
        std::max<int64_t>(0, (clock_.Wall().count() - c->oldest_queued_ms) / 1000));
  }
  return t;
}

void AddCounters(relay::EngineCounters* to, const relay::EngineCounters& f) {
  to->bundles_sent += f.bundles_sent;
  to->bundles_retried += f.bundles_retried;
  to->bundles_acked += f.bundles_acked;
  to->punches_acked += f.punches_acked;
  to->bundles_received += f.bundles_received;
  to->punches_accepted += f.punches_accepted;
  to->punches_duplicate += f.punches_duplicate;
  to->punches_rejected += f.punches_rejected;
  to->bundles_refused += f.bundles_refused;
  to->bundles_malformed += f.bundles_malformed;
  to->frames_ignored += f.frames_ignored;
  to->receipts_received += f.receipts_received;
  to->failovers += f.failovers;
  to->requeues += f.requeues;
  to->telemetry_forwarded += f.telemetry_forwarded;
}

SimNode::SimNode(int index, NodeSpec spec, std::string dir, uint64_t store_epoch,
                 const Clock& clock)
    : index_(index),
      spec_(std::move(spec)),
      dir_(std::move(dir)),
      store_epoch_(store_epoch),
      clock_(clock) {}

SimNode::~SimNode() { Crash(); }

Status SimNode::Start(relay::EngineOptions eo, uint64_t link_session) {
  storage::StoreOptions so;
  so.dir = dir_;
  so.node_id = spec_.id;
  so.sync = false;  // a simulated crash is a process crash: every commit survives it
  so.new_store_epoch = store_epoch_;
  auto st = storage::Store::Open(so, clock_);
  if (!st.ok()) return st.status();
  store_ = std::move(st).value();
  source_ = std::make_unique<CachedSource>(store_.get(), clock_);
  eo.node_id = spec_.id;
  eo.epoch = store_->epoch();
  eo.role = spec_.role;
  eo.upstreams = spec_.upstreams;
  eo.link_session = link_session;
  engine_ = std::make_unique<relay::Engine>(std::move(eo), source_.get());
  ++incarnation_;
  route_ = std::to_string(index_) + "." + std::to_string(incarnation_);
  tick_at = kNever;
  return Status::Ok();
}

void SimNode::Crash() {
  if (engine_) {
    AddCounters(&totals_.engine, engine_->counters());
    ++totals_.crashes;
  }
  totals_.writes_lost += queued_.size() + running_.size();  // never committed
  queued_.clear();
  running_.clear();
  engine_.reset();
  source_.reset();
  store_.reset();
  tick_at = kNever;
}

NodeTotals SimNode::totals() const {
  NodeTotals t = totals_;
  if (engine_) AddCounters(&t.engine, engine_->counters());
  return t;
}

void SimNode::Count(int kind, const Status& s) {
  ++totals_.writes;
  ++totals_.writes_by_kind[kind];
  if (!s.ok()) ++totals_.writes_failed;
}

// The op NodeLoop::SubmitWrite would submit for `w`; its results land in *st.
storage::WriteOp SimNode::MakeOp(const relay::WriteRequest& w, OpState* st) const {
  using Kind = relay::WriteRequest::Kind;
  storage::WriteOp op;
  const storage::Role role = spec_.role;
  if (w.kind == Kind::kRequeue) {
    op.apply = [st](storage::WriteTxn& txn) { return txn.RequeueUnreceipted(&st->requeued); };
  } else if (w.kind == Kind::kTelemetry) {
    int64_t at = clock_.Wall().count();
    op.apply = [&w, at](storage::WriteTxn& txn) { return txn.PutTelemetry(w.telemetry, at); };
  } else if (w.kind == Kind::kAcceptBundle) {
    op.intake = true;
    op.apply = [&w, st, role](storage::WriteTxn& txn) {
      return txn.Accept(w.punches, role, &st->outcome);
    };
  } else {
    op.apply = [&w, st](storage::WriteTxn& txn) {
      st->bad_receipts = 0;  // the op may run twice (after the map grew)
      Status s = txn.MarkInCustody(w.keys);
      for (const auto& r : w.receipts) {
        if (!s.ok()) break;
        Status rs = txn.ApplyReceipt(r);
        // As the node loop: a bogus receipt must not undo the custody marks beside it.
        if (rs.code() == Code::kInvalidArgument) {
          ++st->bad_receipts;
        } else {
          s = rs;
        }
      }
      return s;
    };
  }
  return op;
}

bool SimNode::StartCommit() {
  if (!running_.empty() || queued_.empty()) return false;
  running_.swap(queued_);
  return true;
}

std::vector<SimNode::Done> SimNode::FinishCommit() {
  std::vector<OpState> states(running_.size());
  std::vector<storage::WriteOp> ops;
  std::vector<storage::WriteOp*> ptrs;
  ops.reserve(running_.size());
  for (size_t i = 0; i < running_.size(); ++i) ops.push_back(MakeOp(running_[i], &states[i]));
  for (auto& op : ops) ptrs.push_back(&op);
  std::vector<Status> results;
  Status commit = store_->WriteBatch(ptrs, &results);
  source_->Bump();  // even a failed commit may have grown the map: reread to be exact
  ++totals_.commits;
  std::vector<Done> done;
  for (size_t i = 0; i < running_.size(); ++i) {
    Status s = commit.ok() && i < results.size() ? results[i] : commit;
    Count(static_cast<int>(running_[i].kind), s);
    totals_.bad_receipts += states[i].bad_receipts;
    if (s.ok()) totals_.requeued_punches += states[i].requeued;
    done.push_back(Done{std::move(running_[i]), std::move(s), std::move(states[i].outcome)});
  }
  running_.clear();
  return done;
}

Status SimNode::AppendLocal(std::vector<wire::Punch>* punches, storage::IntakeOutcome* outcome) {
  storage::WriteOp op;
  op.intake = true;
  op.apply = [&](storage::WriteTxn& txn) { return txn.AppendLocal(punches, outcome); };
  Status s = store_->Write(std::move(op));
  source_->Bump();
  ++totals_.commits;
  Count(4, s);
  return s;
}

}  // namespace titip::sim
