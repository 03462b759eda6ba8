// A trivially correct in-memory model of the punch store (SPEC §3–4) for the model-based
// randomized test: maps and sets, no encodings, no transactions. Each method mirrors one
// WriteTxn mutation and returns what the store must report for it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "titip/storage/store.h"

namespace titip::storage::testing {

struct ModelEntry {
  PunchState state = PunchState::kQueued;
  uint64_t qseq = 0;     // 0 when not queued
  bool has_body = true;  // aliases keep only their identity
  wire::Punch body;
};

class StoreModel {
 public:
  using Natural = std::tuple<std::string, std::string, int64_t, uint32_t>;
  using Stream = std::pair<std::string, uint64_t>;

  std::string node;
  uint64_t epoch = 0;
  uint64_t next_seq = 1;
  uint64_t next_qseq = 1;
  uint64_t own_through = 0;
  int64_t last_receipt_ms = 0;  // wall time the own receipt last advanced
  std::map<PunchKey, ModelEntry> punches;
  std::set<Natural> natural;
  std::map<Stream, uint64_t> sink_through;

  static Natural NaturalOf(const wire::Punch& p) {
    return {p.terminal(), p.pin(), p.device_time(), p.verify()};
  }
  // The generators only make punches invalid through these two fields.
  static bool Valid(const wire::Punch& p) {
    return !p.pin().empty() && p.device_time() >= 946684800 && p.device_time() <= 4102444799;
  }

  IntakeOutcome AppendLocal(std::vector<wire::Punch>* ps) {
    IntakeOutcome out;
    for (auto& p : *ps) {
      p.set_origin(node);
      p.set_epoch(epoch);
      p.set_seq(0);
      if (!Valid(p)) {
        ++out.rejected;
      } else if (!natural.insert(NaturalOf(p)).second) {
        ++out.duplicates;
      } else {
        p.set_seq(next_seq++);
        punches[KeyOf(p)] = ModelEntry{PunchState::kQueued, next_qseq++, true, p};
        ++out.added;
      }
    }
    return out;
  }

  IntakeOutcome AcceptSink(const std::vector<wire::Punch>& ps) {
    IntakeOutcome out;
    std::set<Stream> touched;
    for (const auto& p : ps) {
      if (!Valid(p) || p.epoch() == 0 || p.seq() == 0) {
        ++out.rejected;
        continue;
      }
      touched.insert({p.origin(), p.epoch()});
      PunchKey k = KeyOf(p);
      if (punches.count(k)) {
        ++out.duplicates;
      } else if (!natural.insert(NaturalOf(p)).second) {
        punches[k] = ModelEntry{PunchState::kAlias, 0, false, {}};
        ++out.duplicates;
      } else {
        punches[k] = ModelEntry{PunchState::kStored, 0, true, p};
        ++out.added;
      }
    }
    for (const auto& st : touched) {
      uint64_t& t = sink_through[st];
      while (punches.count(PunchKey{st.first, st.second, t + 1})) ++t;
      wire::Receipt r;
      r.set_origin(st.first);
      r.set_epoch(st.second);
      r.set_through_seq(t);
      out.receipts.push_back(r);
    }
    return out;
  }

  void MarkInCustody(const std::vector<PunchKey>& keys) {
    for (const auto& k : keys) {
      auto it = punches.find(k);
      if (it == punches.end() || it->second.state != PunchState::kQueued) continue;
      it->second.state = PunchState::kInCustody;  // only own punches are ever queued here
      it->second.qseq = 0;
    }
  }

  // False when the store must refuse the receipt (beyond our last seq).
  bool ApplyReceipt(uint64_t through) {
    if (through >= next_seq) return false;
    for (uint64_t seq = own_through + 1; seq <= through; ++seq) {
      auto it = punches.find(PunchKey{node, epoch, seq});
      if (it == punches.end()) continue;
      if (it->second.state == PunchState::kQueued || it->second.state == PunchState::kInCustody) {
        it->second.state = PunchState::kDelivered;
        it->second.qseq = 0;
      }
    }
    own_through = std::max(own_through, through);
    return true;
  }

  uint64_t PruneDelivered(size_t max) {
    uint64_t n = 0;
    auto it = punches.lower_bound(PunchKey{node, epoch, 0});
    while (n < max && it != punches.end() && it->first.origin == node && it->first.epoch == epoch &&
           it->second.state == PunchState::kDelivered) {
      it = punches.erase(it);
      ++n;
    }
    return n;
  }

  // Queued punches in qseq order.
  std::vector<std::pair<uint64_t, const wire::Punch*>> Queued() const {
    std::vector<std::pair<uint64_t, const wire::Punch*>> q;
    for (const auto& [k, e] : punches) {
      if (e.state == PunchState::kQueued) q.push_back({e.qseq, &e.body});
    }
    std::sort(q.begin(), q.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return q;
  }

  uint64_t QueuedBytes() const {
    uint64_t b = 0;
    for (const auto& [qseq, p] : Queued()) b += p->ByteSizeLong();
    return b;
  }

  uint64_t Undelivered() const { return next_seq - 1 - own_through; }

  // Punches with a body, in the store's key order (by encoded key).
  std::vector<std::pair<PunchKey, const ModelEntry*>> WithBody() const {
    std::vector<std::pair<PunchKey, const ModelEntry*>> v;
    for (const auto& [k, e] : punches) {
      if (e.has_body) v.push_back({k, &e});
    }
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
      return EncodePunchKey(a.first) < EncodePunchKey(b.first);
    });
    return v;
  }
};

}  // namespace titip::storage::testing
