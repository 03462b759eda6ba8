// Forwarding what was just committed, without reading it back. A relay stores each accepted
// bundle and then sends the same punches upstream; reading them back from the queue parsed
// every punch again (~a seventh of a relay's CPU). The store stays the truth: only punches
// whose qseqs continue the cursor without a gap are taken from memory, which are exactly the
// ones the queue would return next; anything else is read from the store as before.
#include "titip/relay/engine.h"

namespace titip::relay {

void Engine::TakeCommitted(std::vector<wire::Punch> punches, std::vector<uint64_t> qseqs) {
  // A sink forwards nothing. Without a link up, keeping them is useless: the link's next
  // session starts by reading the store from the beginning.
  if (links_.empty() || !Active() || Active()->state != LinkState::kUp ||
      qseqs.size() != punches.size()) {
    while (!committed_.empty()) DropCommittedFront();
    GiveSpare(std::move(punches));
    return;
  }
  while (!committed_.empty() && committed_punches_ + punches.size() > kMaxCommitted) {
    DropCommittedFront();
  }
  committed_punches_ += punches.size();
  committed_.push_back(Committed{std::move(punches), std::move(qseqs), 0});
}

void Engine::DropCommittedFront() {
  Committed& c = committed_.front();
  committed_punches_ -= c.punches.size();
  GiveSpare(std::move(c.punches));  // their strings' buffers serve the next unpack
  committed_.pop_front();
}

// Fills fetch_buf_[0, n) as Store::FetchQueuedInto(cursor_, ...) would, from committed_.
// Returns 0 when the punch after the cursor is not there: the caller reads the store.
size_t Engine::TakeFromCommitted() {
  size_t n = 0, bytes = 0;
  uint64_t want = cursor_ + 1;
  while (!committed_.empty() && n < options_.bundle_max_punches) {
    Committed& c = committed_.front();
    // Not queued (0) or already read from the store in this session: skip.
    while (c.next < c.qseqs.size() && c.qseqs[c.next] < want) ++c.next;
    if (c.next == c.qseqs.size()) {
      DropCommittedFront();
      continue;
    }
    if (c.qseqs[c.next] != want) break;  // a gap: something else was queued in between
    wire::Punch& p = c.punches[c.next];
    const size_t size = p.ByteSizeLong();  // the stored body's size, as the store counts it
    if (n > 0 && bytes + size > options_.bundle_max_bytes) break;
    if (n == fetch_buf_.size()) fetch_buf_.emplace_back();
    fetch_buf_[n].qseq = want;
    fetch_buf_[n].punch.Swap(&p);
    bytes += size;
    ++n;
    ++c.next;
    ++want;
  }
  return n;
}

}  // namespace titip::relay
