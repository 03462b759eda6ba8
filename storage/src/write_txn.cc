// Mutations of the punch store, run inside a write transaction (see store_write.cc). Each keeps
// the tables consistent: a queued punch has exactly one queue entry, queued_bytes matches the
// queue, and every stored punch is reachable from its natural key at the origin and the sink.
#include <algorithm>
#include <map>
#include <optional>

#include "codec.h"
#include "store_impl.h"

namespace titip::storage {
namespace {

struct MetaCounters {
  uint64_t next_seq = 1, next_qseq = 1, queued_bytes = 0;
};

Status LoadCounters(Store::Impl* im, MetaCounters* c) {
  Status s = im->GetMetaU64(im->wtxn, "next_seq", &c->next_seq);
  if (s.ok()) s = im->GetMetaU64(im->wtxn, "next_qseq", &c->next_qseq);
  if (s.ok()) s = im->GetMetaU64(im->wtxn, "queued_bytes", &c->queued_bytes);
  return s;
}

Status SaveCounters(Store::Impl* im, const MetaCounters& c) {
  Status s = im->PutMetaU64("next_seq", c.next_seq);
  if (s.ok()) s = im->PutMetaU64("next_qseq", c.next_qseq);
  if (s.ok()) s = im->PutMetaU64("queued_bytes", c.queued_bytes);
  return s;
}

Status Enqueue(Store::Impl* im, MetaCounters* c, const std::string& key, const wire::Punch& p,
               unsigned flags = MDB_NOOVERWRITE, uint64_t* qseq_out = nullptr) {
  uint64_t qseq = c->next_qseq++;
  if (qseq_out) *qseq_out = qseq;
  size_t body = 0;
  Status s = im->PutMessage(im->punch, key, EncodePunchValue(PunchState::kQueued, qseq, {}), p,
                            &body, flags);
  if (s.ok()) s = im->Put(im->queue, U64Key(qseq), key);
  c->queued_bytes += body;
  return s;
}

// Takes a queued punch off the queue and rewrites its value with `state` (body optional).
Status Dequeue(Store::Impl* im, MetaCounters* c, const std::string& key, const PunchValue& v,
               PunchState state, bool keep_body) {
  // v.body points into a page that the next write may spill: copy it first.
  EncodePunchValueTo(&im->value_scratch, state, 0, keep_body ? v.body : std::string_view());
  c->queued_bytes -= std::min<uint64_t>(c->queued_bytes, v.body.size());
  Status s = im->Del(im->queue, U64Key(v.qseq));
  if (s.ok()) s = im->Put(im->punch, key, im->value_scratch);
  return s;
}

// Looks a punch up in the natural table. New keys are always time-major (v2); while a v1
// store's rewrite is unfinished (natural_migrate.cc) the punch may still sit under its v1 key.
Status FindNatural(Store::Impl* im, const wire::Punch& p, const std::string& nk, bool* found) {
  std::string_view existing;
  Status s = im->GetInWrite(im->natural, nk, &existing, found);
  if (s.ok() && !*found && im->natural_v1) {
    s = im->GetInWrite(im->natural, NaturalKey(p), &existing, found);
  }
  return s;
}

}  // namespace

Status WriteTxn::AppendLocal(std::vector<wire::Punch>* punches, IntakeOutcome* out) {
  Store::Impl* im = impl_;
  *out = IntakeOutcome{};
  MetaCounters c;
  Status s = LoadCounters(im, &c);
  for (auto& p : *punches) {
    if (!s.ok()) return s;
    p.set_origin(im->node_id);
    p.set_epoch(im->epoch);
    p.set_seq(0);
    if (!ValidatePunchFields(p).ok()) {
      ++out->rejected;
      continue;
    }
    std::string nk = NaturalIndexKey(p);
    bool found = false;
    if (!(s = FindNatural(im, p, nk, &found)).ok()) return s;
    if (found) {
      ++out->duplicates;
      continue;
    }
    p.set_seq(c.next_seq++);
    std::string key = EncodePunchKey(KeyOf(p));
    s = Enqueue(im, &c, key, p);
    if (s.ok()) s = im->Put(im->natural, nk, key);
    ++out->added;
  }
  if (s.ok()) s = SaveCounters(im, c);
  return s;
}

Status WriteTxn::Accept(const std::vector<wire::Punch>& punches, Role role, IntakeOutcome* out) {
  Store::Impl* im = impl_;
  *out = IntakeOutcome{};
  MetaCounters c;
  Status s = LoadCounters(im, &c);
  // Per stream, the seqs this call leaves in the punch table (stored, alias or already there):
  // the receipt below advances over them without looking each one up again.
  std::map<std::pair<std::string, uint64_t>, std::vector<uint64_t>> touched;
  std::optional<uint64_t> log_last;  // the sink log's tail, looked up once per call
  wire::Punch stored;  // reused: assignment keeps the strings' buffers from the last punch
  if (role != Role::kSink) out->qseqs.assign(punches.size(), 0);
  for (size_t i = 0; i < punches.size(); ++i) {
    const wire::Punch& p = punches[i];
    if (!s.ok()) return s;
    if (!ValidatePunchFields(p).ok() || p.epoch() == 0 || p.seq() == 0) {
      ++out->rejected;
      continue;
    }
    if (role == Role::kSink) touched[{p.origin(), p.epoch()}].push_back(p.seq());
    std::string key = EncodePunchKey(KeyOf(p));
    std::string_view existing;
    bool found = false;
    if (!(s = im->GetInWrite(im->punch, key, &existing, &found)).ok()) return s;
    PunchValue prior;
    if (found && role != Role::kSink && DecodePunchValue(existing, &prior) &&
        prior.state == PunchState::kForwarded) {
      // Offered again after we passed it on: its origin has no receipt for it, so the copy we
      // handed up may sit in a dead end. Carry it again; the sink dedupes.
      s = Enqueue(im, &c, key, p, 0, &out->qseqs[i]);
      ++out->duplicates;
      continue;
    }
    if (found) {
      ++out->duplicates;
      continue;
    }
    if (role != Role::kSink) {
      s = Enqueue(im, &c, key, p, MDB_NOOVERWRITE, &out->qseqs[i]);
      ++out->added;
      continue;
    }
    std::string nk = NaturalIndexKey(p);
    if (!(s = FindNatural(im, p, nk, &found)).ok()) return s;
    if (found) {  // same punch under another identity (e.g. a re-flashed gateway re-pulled it)
      s = im->Put(im->punch, key, EncodePunchValue(PunchState::kAlias, 0, {}));
      ++out->duplicates;
      continue;
    }
    stored = p;  // the arrival time at the sink decides "terlambat kirim"
    stored.set_stored_at_ms(im->clock.Wall().count());
    s = im->PutMessage(im->punch, key, EncodePunchValue(PunchState::kStored, 0, {}), stored);
    if (s.ok()) s = im->Put(im->natural, nk, key);
    if (s.ok()) s = im->AppendSinkLog(key, &log_last);
    if (s.ok()) s = im->PutSinkDay(stored, key);
    ++out->added;
  }
  if (s.ok()) s = SaveCounters(im, c);
  if (!s.ok() || role != Role::kSink) return s;
  for (auto& [stream, seqs] : touched) {
    std::string prefix = StreamPrefix(stream.first, stream.second);
    uint64_t through = 0;
    std::string_view v;
    bool found = false;
    if (!(s = im->GetInWrite(im->progress, prefix, &v, &found)).ok()) return s;
    if (found && v.size() == 8) through = GetU64BE(v);
    uint64_t before = through;
    std::sort(seqs.begin(), seqs.end());
    size_t i = 0;
    for (;;) {  // advance over the contiguous run of stored seqs
      while (i < seqs.size() && seqs[i] <= through) ++i;
      if (i < seqs.size() && seqs[i] == through + 1) {  // in the table: this call put it there
        ++through;
        continue;
      }
      std::string next = prefix + U64Key(through + 1);
      if (!(s = im->GetInWrite(im->punch, next, &v, &found)).ok()) return s;
      if (!found) break;
      ++through;
    }
    if (through != before && !(s = im->Put(im->progress, prefix, U64Key(through))).ok()) return s;
    wire::Receipt r;
    r.set_origin(stream.first);
    r.set_epoch(stream.second);
    r.set_through_seq(through);
    out->receipts.push_back(std::move(r));
  }
  return s;
}

Status WriteTxn::MarkInCustody(const std::vector<PunchKey>& keys) {
  Store::Impl* im = impl_;
  MetaCounters c;
  Status s = LoadCounters(im, &c);
  for (const auto& k : keys) {
    if (!s.ok()) return s;
    std::string key = EncodePunchKey(k);
    std::string_view raw;
    bool found = false;
    if (!(s = im->GetInWrite(im->punch, key, &raw, &found)).ok()) return s;
    PunchValue v;
    if (!found || !DecodePunchValue(raw, &v) || v.state != PunchState::kQueued) continue;
    bool own = im->IsOwn(k.origin, k.epoch);
    s = Dequeue(im, &c, key, v, own ? PunchState::kInCustody : PunchState::kForwarded, own);
  }
  if (s.ok()) s = SaveCounters(im, c);
  return s;
}

Status WriteTxn::ApplyReceipt(const wire::Receipt& r) {
  Store::Impl* im = impl_;
  if (!im->IsOwn(r.origin(), r.epoch())) {  // a relay: seals the sink has covered are done
    if (r.origin().size() > 64) return Status::Ok();
    return PruneSeals(im, StreamPrefix(r.origin(), r.epoch()), r.through_seq());
  }
  MetaCounters c;
  Status s = LoadCounters(im, &c);
  std::string prefix = StreamPrefix(r.origin(), r.epoch());
  uint64_t old = 0;
  std::string_view raw;
  bool found = false;
  if (s.ok()) s = im->GetInWrite(im->progress, prefix, &raw, &found);
  if (!s.ok()) return s;
  if (found && raw.size() == 8) old = GetU64BE(raw);
  if (r.through_seq() >= c.next_seq) {
    return Status::Invalid("receipt through " + std::to_string(r.through_seq()) +
                           " is beyond our last seq " + std::to_string(c.next_seq - 1));
  }
  if (r.through_seq() <= old) return Status::Ok();
  for (uint64_t seq = old + 1; seq <= r.through_seq() && s.ok(); ++seq) {
    std::string key = prefix + U64Key(seq);
    if (!(s = im->GetInWrite(im->punch, key, &raw, &found)).ok()) break;
    PunchValue v;
    if (!found || !DecodePunchValue(raw, &v)) continue;
    if (v.state == PunchState::kQueued) {
      s = Dequeue(im, &c, key, v, PunchState::kDelivered, true);
    } else if (v.state == PunchState::kInCustody) {
      EncodePunchValueTo(&im->value_scratch, PunchState::kDelivered, 0, v.body);
      s = im->Put(im->punch, key, im->value_scratch);
    }
  }
  if (s.ok()) s = im->Put(im->progress, prefix, U64Key(r.through_seq()));
  if (s.ok())
    s = im->PutMetaU64("last_receipt_ms", static_cast<uint64_t>(im->clock.Wall().count()));
  if (s.ok()) s = SaveCounters(im, c);
  return s;
}

Status WriteTxn::RequeueUnreceipted(uint64_t* requeued) {
  Store::Impl* im = impl_;
  *requeued = 0;
  MetaCounters c;
  Status s = LoadCounters(im, &c);
  std::string prefix = StreamPrefix(im->node_id, im->epoch);
  uint64_t through = 0;
  std::string_view raw;
  bool found = false;
  if (s.ok()) s = im->GetInWrite(im->progress, prefix, &raw, &found);
  if (!s.ok()) return s;
  if (found && raw.size() == 8) through = GetU64BE(raw);
  for (uint64_t seq = through + 1; seq < c.next_seq && s.ok(); ++seq) {
    std::string key = prefix + U64Key(seq);
    if (!(s = im->GetInWrite(im->punch, key, &raw, &found)).ok()) break;
    PunchValue v;
    if (!found || !DecodePunchValue(raw, &v) || v.state != PunchState::kInCustody) continue;
    uint64_t qseq = c.next_qseq++;
    EncodePunchValueTo(&im->value_scratch, PunchState::kQueued, qseq, v.body);
    c.queued_bytes += v.body.size();
    s = im->Put(im->punch, key, im->value_scratch);
    if (s.ok()) s = im->Put(im->queue, U64Key(qseq), key);
    ++*requeued;
  }
  if (s.ok()) s = SaveCounters(im, c);
  return s;
}

Status WriteTxn::PruneDelivered(size_t max, uint64_t* pruned) {
  Store::Impl* im = impl_;
  *pruned = 0;
  std::string prefix = StreamPrefix(im->node_id, im->epoch);
  MDB_cursor* cur = nullptr;
  int rc = mdb_cursor_open(im->wtxn, im->punch, &cur);
  if (rc) return MdbError(rc, "cursor");
  MDB_val k = Val(prefix), v;
  rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
  Status s;
  while (rc == 0 && *pruned < max) {
    std::string_view key = View(k);
    PunchValue pv;
    if (key.substr(0, prefix.size()) != prefix || !DecodePunchValue(View(v), &pv) ||
        pv.state != PunchState::kDelivered) {
      break;
    }
    std::string deleted(key);
    rc = mdb_cursor_del(cur, 0);
    if (rc) break;
    ++*pruned;
    k = Val(deleted);
    rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
  }
  mdb_cursor_close(cur);
  if (rc == MDB_MAP_FULL) im->map_full = true;
  if (rc && rc != MDB_NOTFOUND) s = MdbError(rc, "prune");
  return s;
}

}  // namespace titip::storage
