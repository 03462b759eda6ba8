// Routing of the custody engine: which upstream gets the bundles (lowest advertised cost to
// the sink, then priority, with hysteresis), what we advertise ourselves, and the end-to-end
// receipts that travel back down the way the punches came.
#include <algorithm>

#include "titip/relay/engine.h"

namespace titip::relay {

Engine::Link* Engine::Active() { return active_ < 0 ? nullptr : &links_[active_]; }
const Engine::Link* Engine::Active() const { return active_ < 0 ? nullptr : &links_[active_]; }

Engine::Link* Engine::FindLink(const std::string& id) {
  for (auto& l : links_) {
    if (l.spec.id == id) return &l;
  }
  return nullptr;
}

uint32_t Engine::cost() const {
  if (options_.role == storage::Role::kSink) return 0;
  const Link* a = Active();
  return a && a->cost != kNoRoute ? a->cost + 1 : kNoRoute;
}

void Engine::ChooseUpstream(MonoTime now) {
  auto usable = [&](const Link& l) {
    // Never hand punches back to a node that sends us bundles (it routes through us). A cost
    // past the hop limit is no route: bundles could not get through, and a loop of relays
    // counting up over each other stops there.
    return l.state == LinkState::kUp && l.sink_reachable && l.cost < kDefaultHopLimit &&
           !downstream_.count(l.spec.id);
  };
  auto better = [](const Link& a, const Link& b) {
    return a.cost != b.cost ? a.cost < b.cost : a.spec.priority < b.spec.priority;
  };
  Link* best = nullptr;
  for (auto& l : links_) {
    if (usable(l) && (!best || better(l, *best))) best = &l;
  }
  Link* cur = Active();
  if (cur && usable(*cur)) {
    // Hysteresis: stay unless a strictly better one has been up for switch_after.
    if (!best || best == cur || !better(*best, *cur)) return;
    if (now - best->up_since < options_.switch_after) return;
  }
  if (best == cur) return;
  if (cur) ++counters_.failovers;
  DropInFlight();
  active_ = best ? static_cast<int>(best - links_.data()) : -1;
  if (best) best->session = options_.link_session + ++next_session_;
}

LinkStatus Engine::upstream_status() const {
  auto all = upstreams_status();
  for (const auto& s : all) {
    if (s.active) return s;
  }
  return all.empty() ? LinkStatus{} : all.front();
}

std::vector<LinkStatus> Engine::upstreams_status() const {
  std::vector<LinkStatus> out;
  for (size_t i = 0; i < links_.size(); ++i) {
    const Link& l = links_[i];
    bool active = static_cast<int>(i) == active_;
    out.push_back(
        LinkStatus{l.spec.id, l.state, active ? in_flight_.size() : 0, l.last_ack, l.cost, active});
  }
  return out;
}

wire::Envelope Engine::HelloFrame(const std::string& for_peer) const {
  wire::Envelope e = NewEnvelope();
  wire::Hello* h = e.mutable_hello();
  h->set_node(options_.node_id);
  h->set_role(options_.role == storage::Role::kSink    ? "aggregator"
              : options_.role == storage::Role::kRelay ? "relay"
                                                       : "gateway");
  h->set_epoch(options_.epoch);
  // Poison reverse: the upstream we route through must not route through us. Else, when the
  // sink behind it goes away, the two count to infinity over each other and draw punches
  // into a dead end.
  const Link* a = Active();
  uint32_t c = a && a->spec.id == for_peer ? kNoRoute : cost();
  h->set_cost_to_sink(c);
  h->set_sink_reachable(c != kNoRoute);
  // Receipts for the peer's own punches and for origins whose punches came through it.
  for (const auto& [stream, through] : receipts_) {
    auto via = origin_via_.find(stream.first);
    if (stream.first == for_peer || (via != origin_via_.end() && via->second == for_peer)) {
      wire::Receipt* r = h->add_receipts();
      r->set_origin(stream.first);
      r->set_epoch(stream.second);
      r->set_through_seq(through);
    }
  }
  return e;
}

void Engine::LearnReceipts(MonoTime now,
                           const google::protobuf::RepeatedPtrField<wire::Receipt>& receipts) {
  bool own_advanced = false;
  for (const auto& r : receipts) {
    uint64_t& known = receipts_[{r.origin(), r.epoch()}];
    if (r.through_seq() <= known) continue;
    known = r.through_seq();
    // The sink's own receipts ride on its acks; a relay passes them on down at once.
    if (options_.role != storage::Role::kSink) {
      auto via = origin_via_.find(r.origin());
      const std::string& down = via != origin_via_.end() ? via->second : r.origin();
      if (downstream_.count(down)) receipts_to_push_.insert(down);
    }
    if (r.origin() == options_.node_id && r.epoch() == options_.epoch &&
        r.through_seq() > own_through_) {
      own_through_ = r.through_seq();
      receipt_progress_at_ = now;
      own_advanced = true;
    }
  }
  // Receipts that came with a hello (not an ack) still have to reach our own store.
  if (own_advanced && !receipts.empty()) {
    WriteRequest w;
    w.kind = WriteRequest::Kind::kMarkCustody;
    wire::Receipt r;
    r.set_origin(options_.node_id);
    r.set_epoch(options_.epoch);
    r.set_through_seq(own_through_);
    w.receipts.push_back(r);
    EmitWrite(std::move(w));
  }
}

void Engine::PushReceipts() {
  for (const auto& node : receipts_to_push_) {
    auto d = downstream_.find(node);
    if (d != downstream_.end()) Emit(Action::Kind::kSendDown, d->second.route, HelloFrame(node));
  }
  receipts_to_push_.clear();
}

// SPEC §3: if the sink's receipt stalls for resend_after while a path is up, the origin offers
// its in-custody punches again (a relay may have lost them with its disk).
void Engine::MaybeRequeue(MonoTime now) {
  if (options_.role != storage::Role::kOrigin || requeue_pending_) return;
  if (!receipts_started_) {
    receipts_started_ = true;
    receipt_progress_at_ = now;
    return;
  }
  const Link* a = Active();
  if (!a || !a->sink_reachable || now - receipt_progress_at_ < options_.resend_after) return;
  receipt_progress_at_ = now;
  if (source_->Snapshot().undelivered() == 0) return;
  WriteRequest w;
  w.kind = WriteRequest::Kind::kRequeue;
  requeue_pending_ = true;
  ++counters_.requeues;
  EmitWrite(std::move(w));
}

void Engine::SendTelemetry(MonoTime now) {
  if (now < next_telemetry_) return;
  next_telemetry_ = now + options_.telemetry_every;
  wire::Envelope e = NewEnvelope();
  *e.mutable_telemetry() = source_ ? source_->Snapshot() : wire::Telemetry();
  e.mutable_telemetry()->set_node(options_.node_id);
  // Which links are up and which one carries traffic: the aggregator's board draws the mesh
  // from these, so it needs no config of its own to know who is behind which relay.
  for (const LinkStatus& l : upstreams_status()) {
    wire::UpstreamReport* u = e.mutable_telemetry()->add_upstreams();
    u->set_id(l.id);
    u->set_up(l.state == LinkState::kUp);
    u->set_active(l.active);
    u->set_last_ack_age_s(
        l.last_ack ? std::chrono::duration_cast<std::chrono::seconds>(now - *l.last_ack).count()
                   : -1);
  }
  if (options_.role == storage::Role::kSink) {
    WriteRequest w;
    w.kind = WriteRequest::Kind::kTelemetry;
    w.telemetry = e.telemetry();
    EmitWrite(std::move(w));
  } else if (const Link* a = Active()) {
    Emit(Action::Kind::kSendUp, a->spec.id, std::move(e));
  }
}

}  // namespace titip::relay
