// The mesh of mesh_harness.h: routes actions the way NodeLoop does (frames onto links, writes to
// the node's real store after a virtual disk delay, then OnWriteDone), so every engine runs
// exactly as in a daemon, minus ZeroMQ and threads. ROUTER routing ids are "rt-<node>-<n>".
#include "mesh_harness.h"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace titip::relay::mesh {

Mesh::Mesh(const MeshOptions& o) : opts_(o) {}
Mesh::~Mesh() = default;

MeshNode& Mesh::AddNode(const std::string& id, storage::Role role,
                        const std::vector<std::pair<std::string, int>>& upstreams,
                        const std::function<void(EngineOptions&)>& tweak) {
  auto n = std::make_unique<MeshNode>();
  n->id = id;
  n->options = opts_.base;
  n->options.node_id = id;
  n->options.role = role;
  for (const auto& [up, prio] : upstreams) n->options.upstreams.push_back({up, prio});
  if (tweak) tweak(n->options);
  n->source = std::make_unique<MeshSource>(n.get());
  OpenStore(*n);
  Start(*n);
  nodes_.push_back(std::move(n));
  return *nodes_.back();
}

void Mesh::OpenStore(MeshNode& n) {
  storage::StoreOptions so;
  so.dir = dir_.Sub(n.id + "-" + std::to_string(n.stores_made++));
  so.node_id = n.id;
  auto r = storage::Store::Open(so, clock_);
  if (!r.ok()) throw std::runtime_error("cannot open store: " + r.status().ToString());
  n.store = std::move(r).value();
}

void Mesh::Start(MeshNode& n) {
  n.options.epoch = n.store->epoch();
  n.options.link_session = (next_session_ += 1000);
  n.engine = std::make_unique<Engine>(n.options, n.source.get());
}

MeshLink& Mesh::Connect(const std::string& down, const std::string& up, Ms latency) {
  MeshLink& l = links_[{down, up}];
  l.down = down;
  l.up = up;
  l.latency = latency;
  return l;
}

MeshNode& Mesh::node(const std::string& id) {
  for (auto& n : nodes_) {
    if (n->id == id) return *n;
  }
  throw std::runtime_error("no node " + id);
}

MeshLink& Mesh::link(const std::string& down, const std::string& up) {
  auto it = links_.find({down, up});
  if (it == links_.end()) throw std::runtime_error("no link " + down + "->" + up);
  return it->second;
}

void Mesh::SetLink(const std::string& down, const std::string& up, bool connected) {
  MeshLink& l = link(down, up);
  if (connected && !l.connected) ++l.incarnation;  // a new connection, a new routing id
  l.connected = connected;
}

void Mesh::SetNodeLinks(const std::string& id, bool connected) {
  for (auto& [key, l] : links_) {
    if (key.first == id || key.second == id) SetLink(key.first, key.second, connected);
  }
}

void Mesh::Restart(const std::string& id, bool wipe) {
  MeshNode& n = node(id);
  ++n.generation;
  n.engine.reset();
  n.store.reset();             // closed before it is opened again
  if (!wipe) --n.stores_made;  // the same directory again
  OpenStore(n);
  Start(n);
  for (auto& [key, l] : links_) {
    if ((key.first == id || key.second == id) && l.connected) ++l.incarnation;
  }
}

std::vector<wire::Punch> Mesh::AddPunches(const std::string& origin, const std::string& tag,
                                          size_t first, size_t n) {
  std::vector<wire::Punch> punches;
  for (size_t i = first; i < first + n; ++i) punches.push_back(MakePunch(tag, i));
  storage::IntakeOutcome out;
  storage::WriteOp op;
  op.intake = true;
  op.apply = [&](storage::WriteTxn& t) { return t.AppendLocal(&punches, &out); };
  Status s = node(origin).store->Write(std::move(op));
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(out.added, n);
  return punches;
}

void Mesh::InjectDown(const std::string& to, const std::string& route, const wire::Envelope& e) {
  MeshNode& n = node(to);
  n.engine->OnDownstreamFrame(now_, route, e);
  Drain(n);
}

std::string Mesh::RouteId(const std::string& down, uint64_t incarnation) {
  return "rt-" + down + "-" + std::to_string(incarnation);
}

void Mesh::Drain(MeshNode& n) {
  for (auto& a : n.engine->TakeActions()) {
    if (a.kind == Action::Kind::kWrite) {
      Event e;
      e.kind = Event::Kind::kWrite;
      e.node = n.id;
      e.generation = n.generation;
      e.write = std::move(a.write);
      Schedule(now_ + opts_.disk_delay, std::move(e));
    } else {
      Send(n, a);
    }
  }
}

void Mesh::Send(MeshNode& from, const Action& a) {
  bool up = a.kind == Action::Kind::kSendUp;
  std::string down_id = from.id, up_id = a.peer;
  uint64_t incarnation = 0;
  if (!up) {
    auto r = routes_.find({from.id, a.peer});
    if (r == routes_.end()) {
      ++misrouted;
      return;
    }
    down_id = r->second.node;
    up_id = from.id;
    incarnation = r->second.incarnation;
  }
  sent.push_back(SentFrame{now_, from.id, up ? up_id : down_id, up, a.frame});
  auto it = links_.find({down_id, up_id});
  if (it == links_.end() || !it->second.connected ||
      (!up && incarnation != it->second.incarnation)) {
    ++frames_lost;  // ZMQ_IMMEDIATE / router_mandatory: refused at once, never queued
    return;
  }
  MeshLink& l = it->second;
  if (l.drop && l.drop(up, a.frame)) {
    ++l.dropped;
    return;
  }
  Event e;
  e.down = down_id;
  e.up = up_id;
  e.towards_up = up;
  e.incarnation = l.incarnation;
  e.frame = a.frame;
  Schedule(now_ + l.latency, std::move(e));
}

void Mesh::Schedule(MonoTime at, Event e) {
  queue_.emplace(std::make_pair(at, ++next_seq_), std::move(e));
}

void Mesh::Process(Event& e) {
  if (e.kind == Event::Kind::kFrame) {
    DeliverFrame(e);
    return;
  }
  MeshNode& n = node(e.node);
  if (e.generation != n.generation) return;  // the process died before this commit
  Commit(n, e.write);
}

void Mesh::DeliverFrame(const Event& e) {
  MeshLink& l = link(e.down, e.up);
  if (!l.connected || l.incarnation != e.incarnation) {
    ++frames_lost;  // the connection it travelled on is gone
    return;
  }
  if (e.towards_up) {
    std::string rt = RouteId(e.down, e.incarnation);
    routes_[{e.up, rt}] = Route{e.down, e.incarnation};
    MeshNode& to = node(e.up);
    to.engine->OnDownstreamFrame(now_, rt, e.frame);
    Drain(to);
  } else {
    MeshNode& to = node(e.down);
    to.engine->OnUpstreamFrame(now_, e.up, e.frame);
    Drain(to);
  }
  if (on_deliver) {
    on_deliver(SentFrame{now_, e.towards_up ? e.down : e.up, e.towards_up ? e.up : e.down,
                         e.towards_up, e.frame});
  }
}

// Executes a write like NodeLoop::SubmitWrite, then reports it to the engine.
void Mesh::Commit(MeshNode& n, const WriteRequest& w) {
  storage::IntakeOutcome out;
  Status s = Write(n, w, &out);
  s.ok() ? ++n.writes_ok : ++n.writes_failed;
  n.engine->OnWriteDone(now_, w.token, s, out);
  if (s.ok() && opts_.forward_committed && w.kind == WriteRequest::Kind::kAcceptBundle) {
    n.engine->TakeCommitted(w.punches, std::move(out.qseqs));
  }
  Drain(n);
}

Status Mesh::Write(MeshNode& n, const WriteRequest& w, storage::IntakeOutcome* out) {
  storage::WriteOp op;
  uint64_t requeued = 0, bad = 0;
  switch (w.kind) {
    case WriteRequest::Kind::kRequeue:
      op.apply = [&](storage::WriteTxn& t) { return t.RequeueUnreceipted(&requeued); };
      break;
    case WriteRequest::Kind::kTelemetry:
      op.apply = [&, at = clock_.Wall().count()](storage::WriteTxn& t) {
        return t.PutTelemetry(w.telemetry, at);
      };
      break;
    case WriteRequest::Kind::kAcceptBundle:
      op.intake = true;
      op.apply = [&, role = n.options.role](storage::WriteTxn& t) {
        return t.Accept(w.punches, role, out);
      };
      break;
    case WriteRequest::Kind::kMarkCustody:
      op.apply = [&](storage::WriteTxn& t) {
        bad = 0;
        Status s = t.MarkInCustody(w.keys);
        for (const auto& r : w.receipts) {
          if (!s.ok()) break;
          Status rs = t.ApplyReceipt(r);
          if (rs.code() == Code::kInvalidArgument) {
            ++bad;  // as the node loop: a bogus receipt must not undo the marks
          } else {
            s = rs;
          }
        }
        return s;
      };
      break;
  }
  Status s = n.store->Write(std::move(op));
  if (s.ok()) n.punches_requeued += requeued;
  bad_receipts += bad;
  return s;
}

void Mesh::TickAll() {
  for (auto& n : nodes_) {
    n->engine->OnTick(now_);
    Drain(*n);
  }
  if (after_tick) after_tick();
}

void Mesh::MoveTo(MonoTime t) {
  if (t <= now_) return;
  clock_.Advance(t - now_);
  now_ = t;
}

void Mesh::RunFor(Ms d) {
  const MonoTime end = now_ + d;
  for (;;) {
    MonoTime te = queue_.empty() ? MonoTime::max() : queue_.begin()->first.first;
    if (te <= end && te <= next_tick_) {
      MoveTo(te);
      Event e = std::move(queue_.begin()->second);
      queue_.erase(queue_.begin());
      Process(e);
    } else if (next_tick_ <= end) {
      MoveTo(next_tick_);
      next_tick_ += opts_.tick;
      TickAll();
    } else {
      break;
    }
  }
  MoveTo(end);
}

bool Mesh::RunUntil(const std::function<bool()>& done, Ms limit) {
  const MonoTime end = now_ + limit;
  if (done()) return true;
  while (now_ < end) {
    RunFor(std::min<Ms>(opts_.tick, std::chrono::duration_cast<Ms>(end - now_)));
    if (done()) return true;
  }
  return false;
}

bool Mesh::Quiet() {
  for (const auto& [key, e] : queue_) {
    if (e.kind == Event::Kind::kWrite) return false;
  }
  for (auto& n : nodes_) {
    storage::Counters c = CountersOf(n->id);
    if (c.queued != 0 || c.undelivered != 0) return false;
  }
  return true;
}

size_t Mesh::CountSent(const std::string& from, const std::string& to, FrameKind kind,
                       MonoTime since) const {
  return std::count_if(sent.begin(), sent.end(), [&](const SentFrame& f) {
    return f.from == from && f.to == to && KindOf(f.frame) == kind && f.at >= since;
  });
}

std::string Mesh::ActiveUpstream(const std::string& id) {
  for (const auto& s : node(id).engine->upstreams_status()) {
    if (s.active) return s.id;
  }
  return "";
}

// A read's value; a failed read fails the test and yields T{}.
template <class T>
T ValueOr(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : T{};
}

storage::Counters Mesh::CountersOf(const std::string& id) {
  return ValueOr(node(id).store->GetCounters());
}

std::optional<PunchState> Mesh::StateOf(const std::string& id, const PunchKey& key) {
  return ValueOr(node(id).store->GetState(key));
}

std::vector<PunchKey> Mesh::QueuedKeys(const std::string& id) {
  std::vector<PunchKey> out;
  for (const auto& q : ValueOr(node(id).store->FetchQueued(0, SIZE_MAX, SIZE_MAX))) {
    out.push_back(storage::KeyOf(q.punch));
  }
  return out;
}

std::vector<wire::Punch> Mesh::StoredAtSink(const std::string& sink) {
  std::vector<wire::Punch> out;
  Status s = node(sink).store->ForEachPunch([&](const wire::Punch& p, PunchState st) {
    if (st == PunchState::kStored) out.push_back(p);
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

std::map<std::string, wire::Telemetry> Mesh::TelemetryAt(const std::string& sink) {
  std::map<std::string, wire::Telemetry> out;
  Status s = node(sink).store->ForEachTelemetry([&](const wire::Telemetry& t, int64_t) {
    out[t.node()] = t;
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

void ExpectSinkHoldsExactlyOnce(Mesh& m, const std::string& sink,
                                const std::vector<wire::Punch>& expect) {
  std::set<std::string> want, got_nk;
  std::set<PunchKey> want_id, got_id;
  for (const auto& p : expect) {
    want.insert(storage::NaturalKey(p));
    want_id.insert(storage::KeyOf(p));
  }
  auto stored = m.StoredAtSink(sink);
  for (const auto& p : stored) {
    EXPECT_TRUE(got_nk.insert(storage::NaturalKey(p)).second) << "natural key stored twice";
    EXPECT_TRUE(got_id.insert(storage::KeyOf(p)).second) << "identity stored twice";
  }
  EXPECT_EQ(stored.size(), expect.size());
  EXPECT_EQ(got_nk, want);
  EXPECT_EQ(got_id, want_id);
}

void BuildLine(Mesh& m, const std::function<void(EngineOptions&)>& gw_tweak, Ms uplink) {
  m.AddNode("sink", storage::Role::kSink);
  m.AddNode("relay", storage::Role::kRelay, {{"sink", 1}});
  m.AddNode("gw", storage::Role::kOrigin, {{"relay", 1}}, gw_tweak);
  m.Connect("relay", "sink", uplink);
  m.Connect("gw", "relay");
}

}  // namespace titip::relay::mesh
