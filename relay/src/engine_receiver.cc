// Receiver side of the custody engine: commit first, ack after. A bundle whose commit fails
// (store full, store failed) is not acked, so the sender keeps it and retries later. Also
// answers hellos (our cost, and receipts travelling back down) and passes telemetry on.
#include "titip/relay/engine.h"
#include "titip/relay/punch_codec.h"

namespace titip::relay {

void Engine::OnDownstreamFrame(MonoTime now, const std::string& peer, const wire::Envelope& frame) {
  (void)now;
  if (frame.has_hello()) {
    HandleHello(peer, frame);
  } else if (frame.has_bundle()) {
    HandleBundle(peer, frame);
  } else if (frame.has_telemetry()) {
    ForwardTelemetry(frame);
  } else {
    ++counters_.frames_ignored;
  }
}

void Engine::HandleHello(const std::string& peer, const wire::Envelope& frame) {
  Emit(Action::Kind::kSendDown, peer, HelloFrame(frame.sender()));
}

void Engine::ForwardTelemetry(const wire::Envelope& frame) {
  if (options_.role == storage::Role::kSink) {
    WriteRequest w;
    w.kind = WriteRequest::Kind::kTelemetry;
    w.telemetry = frame.telemetry();
    EmitWrite(std::move(w));
    return;
  }
  // Best effort and in memory only: telemetry is a snapshot, the next one supersedes it.
  if (const Link* a = Active()) {
    wire::Envelope e = NewEnvelope();
    *e.mutable_telemetry() = frame.telemetry();
    ++counters_.telemetry_forwarded;
    Emit(Action::Kind::kSendUp, a->spec.id, std::move(e));
  }
}

void Engine::RememberOrigins(const std::string& peer_node,
                             const std::vector<wire::Punch>& punches) {
  for (const auto& p : punches) {
    if (p.origin() != peer_node) origin_via_[p.origin()] = peer_node;
  }
}

void Engine::HandleBundle(const std::string& peer, const wire::Envelope& frame) {
  const wire::Bundle& b = frame.bundle();
  ++counters_.bundles_received;
  // Refused bundles get no ack, so the sender keeps its punches and retries later. The size
  // bound is the protocol's, not our own config's: two ends may be configured differently.
  // Too many accepts waiting for the disk means we are behind: back-pressure, not memory.
  std::vector<wire::Punch> punches;
  if (!spares_.empty()) {
    punches = std::move(spares_.back());
    spares_.pop_back();
  }
  if (!b.packed().empty()) {
    if (Status s = UnpackPunches(b.packed(), &punches, kMaxBundlePunches); !s.ok()) {
      ++counters_.bundles_malformed;
      ++counters_.bundles_refused;
      return;
    }
  } else {
    punches.assign(b.punches().begin(), b.punches().end());
  }
  if (punches.empty() || punches.size() > static_cast<size_t>(kMaxBundlePunches) ||
      b.seals_size() > kMaxBundlePunches || b.hop_limit() == 0 || b.trace_size() > kMaxTrace ||
      pending_accepts_.size() >= kMaxPendingAccepts ||
      (!pending_accepts_.empty() && pending_punches_ + punches.size() > kMaxPendingPunches)) {
    ++counters_.bundles_refused;
    return;
  }
  for (const auto& hop : b.trace()) {
    if (hop == options_.node_id) {  // a loop: we already carried these punches
      ++counters_.bundles_refused;
      return;
    }
  }
  downstream_[frame.sender()] = Downstream{peer, b.link_session()};
  WriteRequest w;
  w.kind = WriteRequest::Kind::kAcceptBundle;
  w.punches = std::move(punches);
  // A peer configured with a larger limit cannot buy its punches more hops than ours.
  const uint32_t hops = kDefaultHopLimit - std::min(b.hop_limit(), kDefaultHopLimit) + 1;
  for (auto& p : w.punches) {
    // Remember where they have been and how far they came: our own bundles carry it on.
    if (options_.role != storage::Role::kSink) {
      *p.mutable_path() = b.trace();
      p.set_hops(hops);
    }
  }
  RememberOrigins(frame.sender(), w.punches);
  if (options_.role == storage::Role::kSink) {
    if (options_.origin_keys) CheckOrigins(frame.sender(), b, &w);
  } else {
    for (const auto& s : b.seals()) {
      if (SealWellFormed(s)) {
        w.seals.push_back(s);
      } else {
        ++counters_.seals_malformed;  // the sink will quarantine what it covered
      }
    }
  }
  const size_t w_punches = w.punches.size() + w.quarantined.size();
  EmitWrite(std::move(w));
  pending_accepts_[last_token_] = PendingAccept{peer, b.link_session(), b.bundle_seq(), w_punches};
  pending_punches_ += w_punches;
}

void Engine::CheckOrigins(const std::string& via, const wire::Bundle& b, WriteRequest* w) {
  std::vector<SealVerdict> verdicts = VerifyPunches(w->punches, b.seals(), *options_.origin_keys);
  std::vector<wire::Punch> genuine;
  genuine.reserve(w->punches.size());
  for (size_t i = 0; i < w->punches.size(); ++i) {
    if (verdicts[i] == SealVerdict::kGenuine) {
      genuine.push_back(std::move(w->punches[i]));
      continue;
    }
    ++counters_.punches_quarantined;
    storage::QuarantineEntry q;
    q.digest = PunchDigest(w->punches[i]);
    q.punch = std::move(w->punches[i]);
    q.reason = SealVerdictName(verdicts[i]);
    q.via = via;
    w->quarantined.push_back(std::move(q));
  }
  w->punches = std::move(genuine);
}

void Engine::GiveSpare(std::vector<wire::Punch> punches) {
  if (spares_.size() < kMaxSpares) spares_.push_back(std::move(punches));
}

void Engine::OnWriteDone(MonoTime now, uint64_t token, const Status& status,
                         const storage::IntakeOutcome& outcome) {
  auto it = pending_accepts_.find(token);
  if (it == pending_accepts_.end()) {
    // A custody mark or a requeue. On failure the punches stay queued in the store; a new
    // session re-sends them and the upstream dedupes.
    requeue_pending_ = false;
    if (!status.ok()) DropInFlight();
    return;
  }
  PendingAccept p = std::move(it->second);
  pending_accepts_.erase(it);
  pending_punches_ -= p.punches;
  if (!status.ok()) {
    ++counters_.bundles_refused;
    return;
  }
  counters_.punches_accepted += outcome.added;
  counters_.punches_duplicate += outcome.duplicates;
  counters_.punches_rejected += outcome.rejected;
  wire::Envelope e = NewEnvelope();
  wire::CustodyAck* ack = e.mutable_ack();
  ack->set_link_session(p.session);
  wire::SeqRange* r = ack->add_bundles();
  r->set_first(p.bundle_seq);
  r->set_last(p.bundle_seq);
  if (options_.role == storage::Role::kSink) {
    LearnReceipts(now, {outcome.receipts.begin(), outcome.receipts.end()});
    for (const auto& rc : outcome.receipts) *ack->add_receipts() = rc;
  }
  Emit(Action::Kind::kSendDown, p.peer, std::move(e));
}

}  // namespace titip::relay
