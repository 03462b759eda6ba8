// What the simulator does with an engine's actions, the way relay/src/node_loop.cc does in a
// daemon: frames go onto the virtual network, writes are committed to the node's store after a
// virtual disk delay and reported back with OnWriteDone. Also the terminals (punches appended
// at their time) and the tick schedule: a node ticks at its next timer (about one heartbeat),
// and soon after anything that changed its store, never more often than min_tick_gap.
#include <algorithm>
#include <charconv>
#include <optional>

#include "simulation.h"

namespace titip::sim {
namespace {

constexpr size_t kFrameOverhead = 16;  // ZMTP framing and the routing-id frame, roughly

int UpstreamIndex(const SimNode& node, const std::string& id) {
  const auto& ups = node.spec().upstreams;
  for (size_t i = 0; i < ups.size(); ++i) {
    if (ups[i].id == id) return node.upstream_index[i];
  }
  return -1;
}

// "<index>.<incarnation>" (SimNode::route) back to the node; nullopt when malformed.
std::optional<std::pair<int, uint64_t>> ParseRoute(const std::string& route, size_t nodes) {
  const char* end = route.data() + route.size();
  int index = -1;
  uint64_t incarnation = 0;
  auto r = std::from_chars(route.data(), end, index);
  if (r.ec != std::errc() || r.ptr == end || *r.ptr != '.') return std::nullopt;
  auto r2 = std::from_chars(r.ptr + 1, end, incarnation);
  if (r2.ec != std::errc() || r2.ptr != end || index < 0 || static_cast<size_t>(index) >= nodes) {
    return std::nullopt;
  }
  return std::make_pair(index, incarnation);
}

}  // namespace

void Simulation::Flush(int n) {
  SimNode& node = *nodes_[n];
  for (auto& a : node.engine().TakeActions()) {
    switch (a.kind) {
      case relay::Action::Kind::kWrite:
        node.Submit(std::move(a.write));
        break;
      case relay::Action::Kind::kSendUp: {
        if (a.frame.has_hello()) node.next_hello = now_ + cfg_.engine.heartbeat;
        int to = UpstreamIndex(node, a.peer);
        if (to < 0) {
          ++counters_.frames_misrouted;
        } else {
          SendFrame(n, to, true, std::move(a.frame));
        }
        break;
      }
      case relay::Action::Kind::kSendDown:
        SendDown(n, a.peer, std::move(a.frame));
        break;
    }
  }
  if (node.StartCommit()) {
    queue_.Push(now_ + cfg_.write_latency, EventKind::kWrite, n, node.incarnation());
  }
}

void Simulation::SendDown(int from, const std::string& route, wire::Envelope env) {
  auto peer = ParseRoute(route, nodes_.size());
  if (!peer) {
    ++counters_.frames_misrouted;
    return;
  }
  auto [to, incarnation] = *peer;
  if (!nodes_[to]->alive() || nodes_[to]->incarnation() != incarnation) {
    ++counters_.frames_to_gone_peer;  // that connection died with the peer's old process
    return;
  }
  SendFrame(from, to, false, std::move(env));
}

void Simulation::SendFrame(int from, int to, bool up, wire::Envelope env) {
  size_t bytes = env.ByteSizeLong() + kFrameOverhead;
  auto d = net_.Transmit(now_, from, to, bytes);
  if (!d) return;
  uint64_t slot = frames_.Put(Frame{from, to, up, d->conn, std::move(env)});
  queue_.Push(d->at, EventKind::kDeliver, to, slot);
}

void Simulation::Deliver(const Frame& f) {
  if (!net_.Arrives(f.from, f.to, f.conn)) return;
  SimNode& dst = *nodes_[f.to];
  if (cfg_.trace) cfg_.trace(Describe(f));
  if (f.up) {
    dst.engine().OnDownstreamFrame(now_, nodes_[f.from]->route(), f.env);
  } else {
    dst.engine().OnUpstreamFrame(now_, nodes_[f.from]->id(), f.env);
  }
  Flush(f.to);
  // Hellos change no queue; anything else may have (the daemon ticks after every wake-up).
  if (!f.env.has_hello()) Nudge(f.to);
}

// A batch of writes committed (one transaction, as the group committer does): each is
// reported to the engine in order. A crash meanwhile lost the batch (SimNode::Crash).
void Simulation::RunCommit(int n, uint64_t incarnation) {
  SimNode& node = *nodes_[n];
  if (!node.alive() || node.incarnation() != incarnation) return;
  for (auto& d : node.FinishCommit()) {
    if (cfg_.trace) cfg_.trace(Describe(node, d));
    if (!d.status.ok()) Fail(node.id() + ": store write failed: " + d.status.ToString());
    if (d.status.ok() && n == sink_ && d.req.kind == relay::WriteRequest::Kind::kAcceptBundle) {
      RecordSinkAccept(d.req, d.outcome);
    }
    node.engine().OnWriteDone(now_, d.req.token, d.status, d.outcome);
    // As the daemon's node loop does: committed punches are forwarded from memory when they
    // are next in the queue, and the next bundle is unpacked into spent ones.
    if (d.req.kind == relay::WriteRequest::Kind::kAcceptBundle && d.status.ok()) {
      node.engine().TakeCommitted(std::move(d.req.punches), std::move(d.outcome.qseqs));
    } else if (d.req.kind == relay::WriteRequest::Kind::kAcceptBundle) {
      node.engine().GiveSpare(std::move(d.req.punches));
    }
  }
  Flush(n);
  Nudge(n);
}

// Mirrors the sink's dedupe (by identity, then by natural key, in bundle order) to learn which
// punches this commit stored, and when; checked against the store's own outcome every time.
void Simulation::RecordSinkAccept(const relay::WriteRequest& w, const storage::IntakeOutcome& out) {
  uint64_t added = 0, duplicates = 0, rejected = 0;
  for (const auto& p : w.punches) {
    if (!storage::ValidatePunchFields(p).ok() || p.epoch() == 0 || p.seq() == 0) {
      ++rejected;
      continue;
    }
    std::string nk = storage::NaturalKey(p);
    if (!sink_ids_.insert(storage::KeyOf(p)).second || !sink_nks_.insert(nk).second) {
      ++duplicates;
      continue;
    }
    ++added;
    auto it = std::lower_bound(nk_index_.begin(), nk_index_.end(), std::make_pair(nk, size_t{0}));
    if (it != nk_index_.end() && it->first == nk) {
      stored_at_[it->second] = now_;
    } else {
      ++counters_.sink_unknown_accepted;
    }
  }
  if (added != out.added || duplicates != out.duplicates || rejected != out.rejected) {
    Fail("sink outcome disagrees with the model: added " + std::to_string(out.added) + " vs " +
         std::to_string(added) + ", duplicates " + std::to_string(out.duplicates) + " vs " +
         std::to_string(duplicates));
  }
}

wire::Punch Simulation::MakePunch(const NodeSpec& spec, const PlannedPunch& p) const {
  wire::Punch w;
  w.set_terminal(spec.terminal);
  w.set_pin(p.pin);
  w.set_device_time(cfg_.civil_start + p.time_s);
  w.set_utc_offset_min(420);
  w.set_verify(p.verify);
  w.set_status(p.status);
  w.set_received_at_ms(clock_.Wall().count());
  w.set_clock_synced(true);
  w.set_source(wire::SOURCE_ZK);
  w.set_unit(spec.unit);
  return w;
}

// The terminal hands over every punch that is due. A dead gateway misses nothing: the terminal
// keeps its log and StartNode calls this again.
void Simulation::Inject(int n) {
  SimNode& node = *nodes_[n];
  const auto& plan = node.spec().punches;
  if (!node.alive()) return;
  size_t& cur = node.inject_cursor;
  size_t first = cur;
  std::vector<wire::Punch> batch;
  while (cur < plan.size() && Seconds(plan[cur].time_s) <= now_) {
    batch.push_back(MakePunch(node.spec(), plan[cur++]));
  }
  if (!batch.empty()) {
    storage::IntakeOutcome out;
    Status s = node.AppendLocal(&batch, &out);
    if (!s.ok()) {
      Fail(node.id() + ": terminal intake failed: " + s.ToString());
      cur = first;
      RequestInject(n, now_ + Seconds(1));
      return;
    }
    if (out.added != batch.size()) Fail(node.id() + ": terminal punches deduplicated");
    counters_.punches_injected += out.added;
    Nudge(n);
  }
  if (cur < plan.size()) RequestInject(n, std::max(now_, Seconds(PollAfter(n, plan[cur].time_s))));
}

// When node n's terminal hands over a punch made at `t` seconds: at once, or at its next poll
// (each gateway polls at its own phase, as real ones do).
int64_t Simulation::PollAfter(int n, int64_t t) const {
  int64_t p = cfg_.terminal_poll_s;
  if (p <= 0) return t;
  int64_t phase = poll_phase_[n];
  return t <= phase ? phase : phase + (t - phase + p - 1) / p * p;
}

void Simulation::RequestInject(int n, MonoTime at) {
  if (at >= inject_at_[n]) return;
  inject_at_[n] = at;
  queue_.Push(at, EventKind::kInject, n);
}

void Simulation::OnTickEvent(int n, MonoTime at, uint64_t incarnation) {
  SimNode& node = *nodes_[n];
  if (!node.alive() || node.incarnation() != incarnation || node.tick_at != at) return;
  node.tick_at = kNever;
  node.engine().OnTick(now_);
  node.last_tick = now_;
  Flush(n);
  RequestTick(n, NextTimer(node));
}

// The engine's own timers: hellos (and with them link liveness, retransmits, re-offers) every
// heartbeat; the sink has only its telemetry.
MonoTime Simulation::NextTimer(const SimNode& node) const {
  if (node.spec().upstreams.empty()) return now_ + cfg_.engine.telemetry_every;
  return node.next_hello > now_ ? node.next_hello : now_ + cfg_.engine.heartbeat;
}

void Simulation::RequestTick(int n, MonoTime at) {
  SimNode& node = *nodes_[n];
  if (!node.alive() || at >= node.tick_at) return;
  node.tick_at = at;
  queue_.Push(at, EventKind::kTick, n, node.incarnation());
}

void Simulation::Nudge(int n) {
  RequestTick(n, std::max(now_, nodes_[n]->last_tick + cfg_.min_tick_gap));
}

}  // namespace titip::sim
