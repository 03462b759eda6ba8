// Sender side of the custody engine: window, bundles, retransmit with backoff, custody marks.
// Diagram of one bundle:  queued --send--> in flight --ack--> mark written --> in custody
//                                   ^-- timeout: resend same bundle_seq, backoff x2 --'
// Bundles go to the active upstream only (engine_routes.cc chooses it); when it changes or its
// link dies, in-flight bundles are forgotten and their punches, still queued in the store, are
// re-read under a new session and offered to the next upstream. Receivers dedupe.
#include <algorithm>
#include <set>

#include "titip/relay/engine.h"
#include "titip/relay/punch_codec.h"

namespace titip::relay {

const char* LinkStateName(LinkState s) {
  switch (s) {
    case LinkState::kConnecting:
      return "connecting";
    case LinkState::kUp:
      return "up";
    case LinkState::kDown:
      return "down";
  }
  return "unknown";
}

Engine::Engine(EngineOptions options, PunchSource* source)
    : options_(std::move(options)), source_(source) {
  for (const auto& u : options_.upstreams) {
    Link l;
    l.spec = u;
    links_.push_back(std::move(l));
  }
}

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

void Engine::Emit(Action::Kind kind, const std::string& peer, wire::Envelope frame) {
  Action a;
  a.kind = kind;
  a.peer = peer;
  a.frame = std::move(frame);
  actions_.push_back(std::move(a));
}

void Engine::EmitWrite(WriteRequest req) {
  Action a;
  a.kind = Action::Kind::kWrite;
  req.token = NextToken();
  a.write = std::move(req);
  actions_.push_back(std::move(a));
}

void Engine::OnTick(MonoTime now) {
  if (links_.empty()) {
    SendTelemetry(now);  // the sink records its own
    return;
  }
  Heartbeat(now);
  ChooseUpstream(now);
  if (!Active()) return;
  Retransmit(now);
  FillWindow(now);
  MaybeRequeue(now);
  SendTelemetry(now);
}

void Engine::Heartbeat(MonoTime now) {
  auto dead_after = options_.heartbeat * options_.dead_after_heartbeats;
  for (auto& l : links_) {
    if (l.state == LinkState::kUp && now - l.last_frame > dead_after) l.state = LinkState::kDown;
  }
  if (now < next_hello_) return;
  // Hellos go to every candidate, so we learn which are up and what they cost. With
  // ZMQ_IMMEDIATE a hello to a dead peer is refused at once, never queued up.
  for (const auto& l : links_) Emit(Action::Kind::kSendUp, l.spec.id, HelloFrame(l.spec.id));
  next_hello_ = now + options_.heartbeat;
}

void Engine::DropInFlight() {
  in_flight_.clear();
  cursor_ = 0;
  while (!committed_.empty()) DropCommittedFront();  // the new session reads the store
  if (Link* a = Active()) a->session = options_.link_session + ++next_session_;
}

void Engine::FillWindow(MonoTime now) {
  Link* link = Active();
  while (link && in_flight_.size() < options_.window) {
    size_t n = TakeFromCommitted();
    if (n == 0) {
      auto got = source_->FetchQueued(cursor_, options_.bundle_max_punches,
                                      options_.bundle_max_bytes, &fetch_buf_);
      if (!got.ok() || *got == 0) return;
      n = *got;
    }
    wire::Envelope e = NewEnvelope();
    wire::Bundle* b = e.mutable_bundle();
    uint64_t seq = next_bundle_seq_++;
    b->set_link_session(link->session);
    b->set_bundle_seq(seq);
    // The trace names every node these punches passed through: a receiver that finds itself
    // in it would close a loop and refuses the bundle. Its length says nothing about hops
    // (one entry per origin gateway at a relay); the hop limit comes from the punches.
    std::set<std::string> seen;
    b->add_trace(options_.node_id);
    uint32_t max_hops = 0;
    InFlight f;
    f.keys.reserve(n);
    std::vector<wire::Punch>& punches = bundle_buf_;
    punches.resize(n);  // shrinks only for a shorter batch than the last
    for (size_t i = 0; i < n; ++i) {
      wire::Punch& p = fetch_buf_[i].punch;
      max_hops = std::max(max_hops, p.hops());
      for (const auto& h : p.path()) {
        if (b->trace_size() < kMaxTrace && h != options_.node_id && seen.insert(h).second) {
          b->add_trace(h);
        }
      }
      f.keys.push_back(storage::KeyOf(p));
      punches[i].Swap(&p);
      cursor_ = fetch_buf_[i].qseq;
    }
    b->set_hop_limit(max_hops >= kDefaultHopLimit ? 0 : kDefaultHopLimit - max_hops);
    b->set_packed(PackPunches(punches));  // ~4 bytes a punch at 1,000 instead of ~88
    AttachSeals(punches, b);
    f.backoff = options_.ack_timeout;
    f.next_retry = now + f.backoff;
    f.frame = e;
    in_flight_.emplace(seq, std::move(f));
    ++counters_.bundles_sent;
    Emit(Action::Kind::kSendUp, link->spec.id, std::move(e));
  }
}

// Our own punches get fresh seals (Ed25519 is deterministic: a re-offer of the same punches
// signs the same bytes); others' punches take the seals their origin made, from the store.
void Engine::AttachSeals(const std::vector<wire::Punch>& punches, wire::Bundle* b) {
  if (options_.signing_key) {
    for (auto& s : MakeSeals(punches, options_.node_id, *options_.signing_key)) {
      *b->add_seals() = std::move(s);
    }
  }
  bool foreign = false;
  for (const auto& p : punches) foreign = foreign || p.origin() != options_.node_id;
  if (foreign) {  // a gateway carrying only its own punches skips the store lookup
    if (auto stored = source_->SealsFor(punches); stored.ok()) {
      for (auto& s : *stored) {
        if (s.origin() != options_.node_id) *b->add_seals() = std::move(s);
      }
    }
  }
  counters_.seals_sent += b->seals_size();
}

void Engine::Retransmit(MonoTime now) {
  Link* link = Active();
  for (auto& [seq, f] : in_flight_) {
    if (now < f.next_retry) continue;
    f.backoff = std::min(f.backoff * 2, options_.backoff_max);
    f.next_retry = now + f.backoff;
    ++counters_.bundles_retried;
    Emit(Action::Kind::kSendUp, link->spec.id, f.frame);
  }
}

void Engine::OnUpstreamFrame(MonoTime now, const std::string& upstream,
                             const wire::Envelope& frame) {
  Link* link = FindLink(upstream);
  if (!link || frame.sender() != upstream) {
    ++counters_.frames_ignored;  // not the peer we dialled on that socket
    return;
  }
  link->last_frame = now;
  if (link->state != LinkState::kUp) {
    link->state = LinkState::kUp;
    link->up_since = now;
    if (link == Active()) DropInFlight();  // a fresh session: re-read from the store
  }
  if (frame.has_hello()) {
    link->cost = frame.hello().cost_to_sink();
    link->sink_reachable = frame.hello().sink_reachable();
    LearnReceipts(now, frame.hello().receipts());
  }
  ChooseUpstream(now);
  if (frame.has_ack()) {
    if (link == Active()) {
      HandleAck(now, *link, frame.ack());
    } else {
      ++counters_.frames_ignored;  // an ack from an upstream we left; punches were re-sent
    }
  }
  PushReceipts();
  FillWindow(now);
}

void Engine::HandleAck(MonoTime now, Link& link, const wire::CustodyAck& ack) {
  if (ack.link_session() != link.session) {
    ++counters_.frames_ignored;  // ack for an earlier session; those punches were re-sent
    return;
  }
  WriteRequest w;
  w.kind = WriteRequest::Kind::kMarkCustody;
  for (const auto& r : ack.bundles()) {
    if (r.last() < r.first() || r.last() - r.first() > 1'000'000) continue;
    for (auto it = in_flight_.lower_bound(r.first());
         it != in_flight_.end() && it->first <= r.last();) {
      counters_.punches_acked += it->second.keys.size();
      ++counters_.bundles_acked;
      w.keys.insert(w.keys.end(), it->second.keys.begin(), it->second.keys.end());
      it = in_flight_.erase(it);
    }
  }
  counters_.receipts_received += ack.receipts_size();
  LearnReceipts(now, ack.receipts());
  if (w.keys.empty() && ack.receipts_size() == 0) return;
  link.last_ack = now;
  w.receipts.assign(ack.receipts().begin(), ack.receipts().end());
  EmitWrite(std::move(w));
}

}  // namespace titip::relay
