// Receiver side of the custody engine: commit first, ack after. A bundle whose commit fails
// (store full, store failed) is not acked, so the sender keeps it and retries later.
#include "titip/relay/engine.h"

namespace titip::relay {

void Engine::OnDownstreamFrame(MonoTime now, const std::string& peer,
                               const wire::Envelope& frame) {
  (void)now;
  if (frame.has_hello()) {
    Action a;
    a.kind = Action::Kind::kSendDown;
    a.peer = peer;
    a.frame = HelloFrame();
    actions_.push_back(std::move(a));
    return;
  }
  if (frame.has_bundle()) {
    HandleBundle(peer, frame);
    return;
  }
  ++counters_.frames_ignored;
}

void Engine::HandleBundle(const std::string& peer, const wire::Envelope& frame) {
  const wire::Bundle& b = frame.bundle();
  ++counters_.bundles_received;
  // Refused bundles get no ack, so the sender keeps its punches and retries later. The size
  // bound is the protocol's, not our own config's: two ends may be configured differently.
  // Too many accepts waiting for the disk means we are behind: back-pressure, not memory.
  if (b.hop_limit() == 0 || b.punches_size() == 0 || b.punches_size() > kMaxBundlePunches ||
      pending_accepts_.size() >= kMaxPendingAccepts) {
    ++counters_.bundles_refused;
    return;
  }
  for (const auto& hop : b.trace()) {
    if (hop == options_.node_id) {  // a loop: we already carried this bundle
      ++counters_.bundles_refused;
      return;
    }
  }
  Action a;
  a.kind = Action::Kind::kWrite;
  a.write.kind = WriteRequest::Kind::kAcceptBundle;
  a.write.token = NextToken();
  a.write.punches.assign(b.punches().begin(), b.punches().end());
  pending_accepts_[a.write.token] = PendingAccept{peer, b.link_session(), b.bundle_seq()};
  actions_.push_back(std::move(a));
}

void Engine::OnWriteDone(MonoTime now, uint64_t token, const Status& status,
                         const storage::IntakeOutcome& outcome) {
  auto it = pending_accepts_.find(token);
  if (it == pending_accepts_.end()) {
    // A custody mark. On failure the punches stay queued in the store; a later session
    // re-sends them and the upstream dedupes.
    if (!status.ok()) ResetLink(now, link_);
    return;
  }
  PendingAccept p = std::move(it->second);
  pending_accepts_.erase(it);
  if (!status.ok()) {
    ++counters_.bundles_refused;
    return;
  }
  counters_.punches_accepted += outcome.added;
  counters_.punches_duplicate += outcome.duplicates;
  counters_.punches_rejected += outcome.rejected;
  Action a;
  a.kind = Action::Kind::kSendDown;
  a.peer = p.peer;
  a.frame = NewEnvelope();
  wire::CustodyAck* ack = a.frame.mutable_ack();
  ack->set_link_session(p.session);
  wire::SeqRange* r = ack->add_bundles();
  r->set_first(p.bundle_seq);
  r->set_last(p.bundle_seq);
  for (const auto& rc : outcome.receipts) *ack->add_receipts() = rc;
  actions_.push_back(std::move(a));
}

}  // namespace titip::relay
