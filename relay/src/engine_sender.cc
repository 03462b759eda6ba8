// Sender side of the custody engine: window, bundles, retransmit with backoff, custody marks.
// Diagram of one bundle:  queued --send--> in flight --ack--> mark written --> in custody
//                                   ^-- timeout: resend same bundle_seq, backoff x2 --'
#include <algorithm>

#include "titip/relay/engine.h"

namespace titip::relay {

const char* LinkStateName(LinkState s) {
  switch (s) {
    case LinkState::kConnecting: return "connecting";
    case LinkState::kUp: return "up";
    case LinkState::kDown: return "down";
  }
  return "unknown";
}

Engine::Engine(EngineOptions options, PunchSource* source)
    : options_(std::move(options)), source_(source), session_(options_.link_session) {}

std::vector<Action> Engine::TakeActions() {
  std::vector<Action> out;
  out.swap(actions_);
  return out;
}

wire::Envelope Engine::NewEnvelope() const {
  wire::Envelope e;
  e.set_version(kWireVersion);
  e.set_sender(options_.node_id);
  return e;
}

wire::Envelope Engine::HelloFrame() const {
  wire::Envelope e = NewEnvelope();
  wire::Hello* h = e.mutable_hello();
  h->set_node(options_.node_id);
  h->set_role(options_.role == storage::Role::kSink    ? "aggregator"
              : options_.role == storage::Role::kRelay ? "relay"
                                                       : "gateway");
  h->set_epoch(options_.epoch);
  bool sink = options_.role == storage::Role::kSink;
  h->set_cost_to_sink(sink ? 0 : 1);
  h->set_sink_reachable(sink || link_ == LinkState::kUp);
  return e;
}

void Engine::SendUp(wire::Envelope frame) {
  Action a;
  a.kind = Action::Kind::kSendUp;
  a.frame = std::move(frame);
  actions_.push_back(std::move(a));
}

LinkStatus Engine::upstream_status() const {
  return LinkStatus{options_.upstream_id, link_, in_flight_.size(), last_ack_};
}

void Engine::OnTick(MonoTime now) {
  if (options_.upstream_id.empty()) return;
  Heartbeat(now);
  if (link_ != LinkState::kUp) return;
  Retransmit(now);
  FillWindow(now);
}

void Engine::Heartbeat(MonoTime now) {
  auto dead_after = options_.heartbeat * options_.dead_after_heartbeats;
  if (link_ == LinkState::kUp && now - last_upstream_frame_ > dead_after) {
    ResetLink(now, LinkState::kDown);
  }
  if (now >= next_hello_) {
    SendUp(HelloFrame());
    next_hello_ = now + options_.heartbeat;
  }
}

// Unacked bundles are forgotten, not lost: their punches are still queued in the store and
// are re-read from the start of the queue under a new session; the receiver dedupes.
void Engine::ResetLink(MonoTime now, LinkState to) {
  (void)now;
  link_ = to;
  in_flight_.clear();
  cursor_ = 0;
  ++session_;
}

void Engine::FillWindow(MonoTime now) {
  while (in_flight_.size() < options_.window) {
    auto batch = source_->FetchQueued(cursor_, options_.bundle_max_punches,
                                      options_.bundle_max_bytes);
    source_failed_ = !batch.ok();
    if (!batch.ok() || batch->empty()) return;
    wire::Envelope e = NewEnvelope();
    wire::Bundle* b = e.mutable_bundle();
    uint64_t seq = next_bundle_seq_++;
    b->set_link_session(session_);
    b->set_bundle_seq(seq);
    b->set_hop_limit(kDefaultHopLimit);
    b->add_trace(options_.node_id);
    InFlight f;
    for (auto& q : *batch) {
      f.keys.push_back(storage::KeyOf(q.punch));
      *b->add_punches() = std::move(q.punch);
      cursor_ = q.qseq;
    }
    f.backoff = options_.ack_timeout;
    f.next_retry = now + f.backoff;
    f.frame = e;
    in_flight_.emplace(seq, std::move(f));
    ++counters_.bundles_sent;
    SendUp(std::move(e));
  }
}

void Engine::Retransmit(MonoTime now) {
  for (auto& [seq, f] : in_flight_) {
    if (now < f.next_retry) continue;
    f.backoff = std::min(f.backoff * 2, options_.backoff_max);
    f.next_retry = now + f.backoff;
    ++counters_.bundles_retried;
    SendUp(f.frame);
  }
}

void Engine::OnUpstreamFrame(MonoTime now, const wire::Envelope& frame) {
  if (frame.sender() != options_.upstream_id) {
    ++counters_.frames_ignored;  // not the peer we dialled
    return;
  }
  last_upstream_frame_ = now;
  if (link_ != LinkState::kUp) {
    // A fresh session: anything the old one had in flight is re-read from the store.
    ResetLink(now, LinkState::kUp);
    FillWindow(now);
  }
  if (frame.has_ack()) HandleAck(now, frame.ack());
}

void Engine::HandleAck(MonoTime now, const wire::CustodyAck& ack) {
  if (ack.link_session() != session_) {
    ++counters_.frames_ignored;  // ack for an earlier session; those punches were re-sent
    return;
  }
  Action a;
  a.kind = Action::Kind::kWrite;
  a.write.kind = WriteRequest::Kind::kMarkCustody;
  for (const auto& r : ack.bundles()) {
    if (r.last() < r.first() || r.last() - r.first() > 1'000'000) continue;
    for (auto it = in_flight_.lower_bound(r.first());
         it != in_flight_.end() && it->first <= r.last();) {
      counters_.punches_acked += it->second.keys.size();
      ++counters_.bundles_acked;
      auto& k = a.write.keys;
      k.insert(k.end(), it->second.keys.begin(), it->second.keys.end());
      it = in_flight_.erase(it);
    }
  }
  a.write.receipts.assign(ack.receipts().begin(), ack.receipts().end());
  counters_.receipts_received += ack.receipts_size();
  if (a.write.keys.empty() && a.write.receipts.empty()) return;
  last_ack_ = now;
  a.write.token = NextToken();
  actions_.push_back(std::move(a));
  FillWindow(now);
}

}  // namespace titip::relay
