// Read side of the store: short read transactions only (a long-lived reader stops LMDB from
// reusing pages — PITFALLS), safe in another process while the daemon writes.
#include <algorithm>

#include "codec.h"
#include "store_impl.h"

namespace titip::storage {

Result<Counters> Store::GetCounters() {
  Impl& im = *impl_;
  Impl::ReadTxn rt(&im);
  if (!rt.status().ok()) return rt.status();
  Counters c;
  MDB_stat st;
  mdb_stat(rt.get(), im.punch, &st);
  c.punches = st.ms_entries;
  mdb_stat(rt.get(), im.queue, &st);
  c.queued = st.ms_entries;
  uint64_t next_seq = 1, through = 0;
  Status s = im.GetMetaU64(rt.get(), "queued_bytes", &c.queued_bytes);
  if (s.ok()) s = im.GetMetaU64(rt.get(), "next_seq", &next_seq);
  if (!s.ok()) return s;
  std::string_view raw;
  bool found = false;
  if (!(s = im.Get(rt.get(), im.progress, StreamPrefix(im.node_id, im.epoch), &raw, &found)).ok()) {
    return s;
  }
  if (found && raw.size() == 8) through = GetU64BE(raw);
  c.undelivered = next_seq - 1 - std::min(through, next_seq - 1);
  uint64_t last_receipt = 0;
  if (im.GetMetaU64(rt.get(), "last_receipt_ms", &last_receipt).ok()) {
    c.last_receipt_ms = static_cast<int64_t>(last_receipt);
  }
  if (c.undelivered > 0) {  // seqs follow intake order: through + 1 is the oldest undelivered
    std::string_view pv_raw;
    PunchValue pv;
    wire::Punch p;
    std::string key = StreamPrefix(im.node_id, im.epoch) + U64Key(through + 1);
    if (im.Get(rt.get(), im.punch, key, &pv_raw, &found).ok() && found &&
        DecodePunchValue(pv_raw, &pv) &&
        p.ParseFromArray(pv.body.data(), static_cast<int>(pv.body.size()))) {
      c.oldest_undelivered_ms = p.received_at_ms();
    }
  }
  MDB_cursor* cur = nullptr;
  if (mdb_cursor_open(rt.get(), im.queue, &cur) == 0) {
    MDB_val k, v;
    if (mdb_cursor_get(cur, &k, &v, MDB_FIRST) == 0) {
      std::string_view pv_raw;
      PunchValue pv;
      wire::Punch p;
      if (im.Get(rt.get(), im.punch, View(v), &pv_raw, &found).ok() && found &&
          DecodePunchValue(pv_raw, &pv) &&
          p.ParseFromArray(pv.body.data(), static_cast<int>(pv.body.size()))) {
        c.oldest_queued_ms = p.received_at_ms();
      }
    }
    mdb_cursor_close(cur);
  }
  MDB_envinfo info;
  mdb_env_info(im.env, &info);
  mdb_env_stat(im.env, &st);
  c.map_used_bytes = (info.me_last_pgno + 1) * static_cast<uint64_t>(st.ms_psize);
  c.map_size_bytes = info.me_mapsize;
  c.map_cap_bytes = im.opts.map_cap_bytes;
  return c;
}

namespace {

// Walks the queue inside `txn` from qseq `first` (0: from the very first entry, so that Verify
// also meets a damaged key that sorts before every real one), checking that each entry names a
// stored punch that decodes, and hands it to fn(qseq, value, &status) until fn returns false
// (setting status to fail the walk). A template, not std::function: the sender's fetch runs it
// for every bundle and Verify over the whole queue.
template <typename Fn>
Status WalkQueue(Store::Impl& im, MDB_txn* txn, uint64_t first, Fn&& fn) {
  // Queue order is mostly key order (a stream's seqs), so a second cursor finds each punch on
  // the leaf it found the last one on, without descending from the root every time.
  MDB_cursor* cur = nullptr;
  MDB_cursor* pcur = nullptr;
  int rc = mdb_cursor_open(txn, im.queue, &cur);
  if (rc == 0 && (rc = mdb_cursor_open(txn, im.punch, &pcur)) != 0) mdb_cursor_close(cur);
  if (rc) return MdbError(rc, "cursor");
  std::string start = U64Key(first);
  MDB_val k = Val(start), v;
  Status s;
  for (rc = mdb_cursor_get(cur, &k, &v, first ? MDB_SET_RANGE : MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    MDB_val pk = v, pval;
    int prc = mdb_cursor_get(pcur, &pk, &pval, MDB_SET);
    if (prc != 0 && prc != MDB_NOTFOUND) {
      s = MdbError(prc, "get");
      break;
    }
    PunchValue pv;
    if (prc == MDB_NOTFOUND || !DecodePunchValue(View(pval), &pv) || View(k).size() != 8) {
      s = Status::Corruption("queue entry points at a missing or damaged punch");
      break;
    }
    if (!fn(GetU64BE(View(k)), pv, &s)) break;
  }
  mdb_cursor_close(pcur);
  mdb_cursor_close(cur);
  return s;
}

}  // namespace

Result<std::vector<QueuedPunch>> Store::FetchQueued(uint64_t after_qseq, size_t max_punches,
                                                    size_t max_bytes) {
  std::vector<QueuedPunch> out;
  out.reserve(std::min<size_t>(max_punches, 4096));  // one allocation, not one per doubling
  auto n = FetchQueuedInto(after_qseq, max_punches, max_bytes, &out);
  if (!n.ok()) return n.status();
  out.resize(*n);
  return out;
}

Result<size_t> Store::FetchQueuedInto(uint64_t after_qseq, size_t max_punches, size_t max_bytes,
                                      std::vector<QueuedPunch>* buf) {
  Impl& im = *impl_;
  Impl::ReadTxn rt(&im);
  if (!rt.status().ok()) return rt.status();
  if (max_punches == 0) return size_t{0};
  size_t n = 0, bytes = 0;
  Status s = WalkQueue(
      im, rt.get(), after_qseq + 1, [&](uint64_t qseq, const PunchValue& pv, Status* err) {
        if (n > 0 && bytes + pv.body.size() > max_bytes) return false;
        if (n == buf->size()) buf->emplace_back();
        QueuedPunch& q = (*buf)[n];
        q.qseq = qseq;
        // Parsing clears the spare first: nothing of the punch it held survives.
        if (!q.punch.ParseFromArray(pv.body.data(), static_cast<int>(pv.body.size()))) {
          *err = Status::Corruption("queued punch does not decode");
          return false;
        }
        bytes += pv.body.size();
        return ++n < max_punches;
      });
  if (!s.ok()) return s;
  return n;
}

Result<uint64_t> Store::CheckQueue() {
  Impl& im = *impl_;
  Impl::ReadTxn rt(&im);
  if (!rt.status().ok()) return rt.status();
  uint64_t n = 0;
  Status s = WalkQueue(im, rt.get(), 0, [&n](uint64_t, const PunchValue&, Status*) {
    ++n;
    return true;
  });
  if (!s.ok()) return s;
  return n;
}

Status Store::ForEachPunch(const std::function<bool(const wire::Punch&, PunchState)>& fn) {
  Impl& im = *impl_;
  Impl::ReadTxn rt(&im);
  if (!rt.status().ok()) return rt.status();
  MDB_cursor* cur = nullptr;
  int rc = mdb_cursor_open(rt.get(), im.punch, &cur);
  if (rc) return MdbError(rc, "cursor");
  MDB_val k, v;
  Status s;
  wire::Punch p;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    PunchValue pv;
    if (!DecodePunchValue(View(v), &pv)) {
      s = Status::Corruption("damaged punch record");
      break;
    }
    if (pv.body.empty()) continue;  // alias or tombstone: identity only
    if (!p.ParseFromArray(pv.body.data(), static_cast<int>(pv.body.size()))) {
      s = Status::Corruption("punch record does not decode");
      break;
    }
    if (!fn(p, pv.state)) break;
  }
  mdb_cursor_close(cur);
  return s;
}

Result<std::optional<PunchState>> Store::GetState(const PunchKey& key) {
  Impl& im = *impl_;
  Impl::ReadTxn rt(&im);
  if (!rt.status().ok()) return rt.status();
  std::string_view raw;
  bool found = false;
  Status s = im.Get(rt.get(), im.punch, EncodePunchKey(key), &raw, &found);
  if (!s.ok()) return s;
  if (!found) return std::optional<PunchState>();
  PunchValue pv;
  if (!DecodePunchValue(raw, &pv)) return Status::Corruption("damaged punch record");
  return std::optional<PunchState>(pv.state);
}

Result<uint64_t> Store::Through(const std::string& origin, uint64_t epoch) {
  Impl& im = *impl_;
  Impl::ReadTxn rt(&im);
  if (!rt.status().ok()) return rt.status();
  std::string_view raw;
  bool found = false;
  Status s = im.Get(rt.get(), im.progress, StreamPrefix(origin, epoch), &raw, &found);
  if (!s.ok()) return s;
  return found && raw.size() == 8 ? GetU64BE(raw) : 0;
}

}  // namespace titip::storage
