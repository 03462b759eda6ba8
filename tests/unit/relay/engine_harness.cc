// The engine pair of engine_harness.h: routes actions the way NodeLoop does (frames to the
// virtual wire, writes to the node's real store, then OnWriteDone), so tests see the engine
// exactly as a daemon drives it, minus ZeroMQ and threads.
#include "engine_harness.h"

namespace titip::relay::testing {

EnginePair::EnginePair(const PairOptions& o) : opts_(o) {
  Init(&origin, kOriginId, storage::Role::kOrigin, kSinkId, 1000);
  Init(&sink, kSinkId, storage::Role::kSink, "", 5000);
}

void EnginePair::Init(Node* n, const std::string& id, storage::Role role,
                      const std::string& upstream, uint64_t session) {
  storage::StoreOptions so;
  so.dir = dir_.Sub(id);
  so.node_id = id;
  auto r = storage::Store::Open(so, clock_);
  if (!r.ok()) throw std::runtime_error("cannot open store: " + r.status().ToString());
  n->store = std::move(r).value();
  n->source = std::make_unique<StoreSource>(n->store.get());
  n->role = role;
  EngineOptions eo;
  eo.node_id = id;
  eo.epoch = n->store->epoch();
  eo.role = role;
  if (!upstream.empty()) eo.upstreams.push_back({upstream, 1});
  eo.link_session = session;
  eo.bundle_max_punches = opts_.bundle_max_punches;
  eo.window = opts_.window;
  eo.ack_timeout = opts_.ack_timeout;
  eo.backoff_max = opts_.backoff_max;
  eo.heartbeat = opts_.heartbeat;
  eo.dead_after_heartbeats = opts_.dead_after_heartbeats;
  n->engine = std::make_unique<Engine>(eo, n->source.get());
}

std::vector<wire::Punch> EnginePair::AddPunches(size_t first, size_t n) {
  auto punches = std::make_shared<std::vector<wire::Punch>>();
  for (size_t i = first; i < first + n; ++i) punches->push_back(MakePunch(i));
  auto out = std::make_shared<storage::IntakeOutcome>();
  storage::WriteOp op;
  op.intake = true;
  op.apply = [punches, out](storage::WriteTxn& t) {
    return t.AppendLocal(punches.get(), out.get());
  };
  Status s = origin.store->Write(std::move(op));
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(out->added, n);
  return *punches;
}

void EnginePair::Tick() {
  origin.engine->OnTick(now_);
  sink.engine->OnTick(now_);
  Pump();
}

void EnginePair::Advance(Ms d, Ms step) {
  MonoTime end = now_ + d;
  while (now_ < end) {
    MonoTime next = std::min<MonoTime>(now_ + step, end);
    clock_.Advance(next - now_);
    now_ = next;
    Tick();
  }
}

bool EnginePair::Drained() {
  storage::Counters c = CountersOf(origin);
  return c.queued == 0 && c.undelivered == 0 && origin.deferred.empty() && sink.deferred.empty();
}

bool EnginePair::RunUntilDrained(Ms limit, Ms step) {
  MonoTime end = now_ + limit;
  Tick();
  while (!Drained() && now_ < end) Advance(step, step);
  return Drained();
}

void EnginePair::Release(const std::function<bool(const WireFrame&)>& which, bool reverse) {
  std::vector<WireFrame> go, keep;
  for (auto& f : held) (which(f) ? go : keep).push_back(std::move(f));
  held = std::move(keep);
  if (reverse) std::reverse(go.begin(), go.end());
  for (auto& f : go) {
    f.deliver_at = now_;
    f.id = ++next_id_;
    queue_.emplace(std::make_pair(f.deliver_at, f.id), std::move(f));
  }
  Pump();
}

void EnginePair::CompleteDeferred(Node& n, size_t max) {
  for (size_t i = 0; i < max && !n.deferred.empty(); ++i) {
    WriteRequest w = std::move(n.deferred.front());
    n.deferred.pop_front();
    Commit(n, std::move(w));
  }
  Pump();
}

void EnginePair::InjectToOrigin(const wire::Envelope& e) {
  Deliver(WireFrame{false, e, now_, now_, ++next_id_});
  Pump();
}

void EnginePair::Pump() {
  for (;;) {
    bool busy = false;
    for (Node* n : {&origin, &sink}) {
      for (auto& a : n->engine->TakeActions()) {
        Route(*n, std::move(a));
        busy = true;
      }
    }
    if (busy) continue;
    if (queue_.empty() || queue_.begin()->first.first > now_) return;
    WireFrame f = std::move(queue_.begin()->second);
    queue_.erase(queue_.begin());
    if (cut) {
      ++dropped;
      continue;
    }
    Deliver(f);
  }
}

size_t EnginePair::CountSent(bool up, FrameKind kind) const {
  return std::count_if(sent.begin(), sent.end(),
                       [&](const SentRecord& r) { return r.up == up && r.kind == kind; });
}

storage::Counters EnginePair::CountersOf(Node& n) {
  auto r = n.store->GetCounters();
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r.value() : storage::Counters{};
}

std::vector<std::pair<wire::Punch, storage::PunchState>> EnginePair::AllPunches(Node& n) {
  std::vector<std::pair<wire::Punch, storage::PunchState>> out;
  Status s = n.store->ForEachPunch([&](const wire::Punch& p, storage::PunchState st) {
    out.emplace_back(p, st);
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

std::vector<wire::Punch> EnginePair::SinkPunches() {
  std::vector<wire::Punch> out;
  for (auto& [p, st] : AllPunches(sink)) {
    if (st == storage::PunchState::kStored) out.push_back(p);
  }
  return out;
}

void EnginePair::Route(Node& n, Action a) {
  switch (a.kind) {
    case Action::Kind::kSendUp:
      EXPECT_EQ(&n, &origin) << "only the origin has an upstream";
      Send(true, std::move(a.frame));
      break;
    case Action::Kind::kSendDown:
      if (a.peer != kPeer) {
        ++misrouted;
      } else {
        Send(false, std::move(a.frame));
      }
      break;
    case Action::Kind::kWrite:
      if (n.defer && n.defer(a.write)) {
        n.deferred.push_back(std::move(a.write));
      } else {
        Commit(n, std::move(a.write));
      }
      break;
  }
  AfterEvent();
}

void EnginePair::Send(bool up, wire::Envelope e) {
  WireFrame f{up, std::move(e), now_, now_ + opts_.latency, ++next_id_};
  SentRecord rec{up, KindOf(f.frame), now_, 0, 0};
  if (f.frame.has_bundle()) {
    rec.session = f.frame.bundle().link_session();
    rec.seq = f.frame.bundle().bundle_seq();
    auto& out = outstanding_[rec.session];
    out.insert(rec.seq);
    max_wire_outstanding = std::max(max_wire_outstanding, out.size());
  } else if (f.frame.has_ack()) {
    rec.session = f.frame.ack().link_session();
    if (f.frame.ack().bundles_size() > 0) rec.seq = f.frame.ack().bundles(0).first();
  }
  sent.push_back(rec);
  if (cut) {
    ++dropped;
    return;
  }
  Verdict v = policy ? policy(f) : Verdict{};
  f.deliver_at = now_ + opts_.latency + v.delay;
  switch (v.fate) {
    case Fate::kDrop:
      ++dropped;
      return;
    case Fate::kHold:
      held.push_back(std::move(f));
      return;
    case Fate::kDuplicate: {
      WireFrame copy = f;
      copy.id = ++next_id_;
      queue_.emplace(std::make_pair(copy.deliver_at, copy.id), std::move(copy));
      break;
    }
    case Fate::kDeliver:
      break;
  }
  queue_.emplace(std::make_pair(f.deliver_at, f.id), std::move(f));
}

void EnginePair::Deliver(const WireFrame& f) {
  if (f.up) {
    sink.engine->OnDownstreamFrame(now_, kPeer, f.frame);
  } else {
    last_origin_rx = now_;
    if (f.frame.has_ack()) {  // the wire's own view of what is still unacked
      auto& out = outstanding_[f.frame.ack().link_session()];
      for (const auto& r : f.frame.ack().bundles()) {
        out.erase(out.lower_bound(r.first()), out.upper_bound(r.last()));
      }
    }
    origin.engine->OnUpstreamFrame(now_, f.frame.sender(), f.frame);
  }
  AfterEvent();
}

// Executes a write like NodeLoop::SubmitWrite, then reports it to the engine.
void EnginePair::Commit(Node& n, WriteRequest w) {
  storage::IntakeOutcome out;
  std::optional<Status> injected = n.fault ? n.fault(w) : std::nullopt;
  Status s = injected ? *injected : Write(n, w, &out);
  if (!s.ok()) {
    ++n.writes_failed;
  } else if (w.kind == WriteRequest::Kind::kMarkCustody) {
    n.marked.insert(n.marked.end(), w.keys.begin(), w.keys.end());
  } else {
    ++n.accepts_committed;
  }
  n.engine->OnWriteDone(now_, w.token, s, out);
  AfterEvent();
}

Status EnginePair::Write(Node& n, const WriteRequest& w, storage::IntakeOutcome* out) {
  storage::WriteOp op;
  if (w.kind == WriteRequest::Kind::kAcceptBundle) {
    op.intake = true;
    op.apply = [&](storage::WriteTxn& t) { return t.Accept(w.punches, n.role, out); };
  } else {
    op.apply = [&](storage::WriteTxn& t) {
      Status s = t.MarkInCustody(w.keys);
      for (const auto& r : w.receipts) {
        if (!s.ok()) break;
        Status rs = t.ApplyReceipt(r);
        if (rs.code() == Code::kInvalidArgument) {
          ++bad_receipts;  // as the node loop: a bogus receipt must not undo the marks
        } else {
          s = rs;
        }
      }
      return s;
    };
  }
  return n.store->Write(std::move(op));
}

void EnginePair::AfterEvent() {
  max_in_flight = std::max(max_in_flight, origin.engine->upstream_status().in_flight);
  if (after_event) after_event();
}

void ExpectSinkHoldsExactly(EnginePair& h, const std::vector<wire::Punch>& expect) {
  std::set<std::string> want, got_nk;
  std::set<storage::PunchKey> got_id;
  for (const auto& p : expect) want.insert(storage::NaturalKey(p));
  auto stored = h.SinkPunches();
  for (const auto& p : stored) {
    EXPECT_TRUE(got_nk.insert(storage::NaturalKey(p)).second) << "natural key stored twice";
    EXPECT_TRUE(got_id.insert(storage::KeyOf(p)).second) << "identity stored twice";
  }
  EXPECT_EQ(stored.size(), expect.size());
  EXPECT_EQ(got_nk, want);
}

}  // namespace titip::relay::testing
