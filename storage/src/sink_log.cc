// The sink's arrival log: every punch the sink stored, numbered in commit order. The punch
// table is keyed by identity, which says nothing about when a punch arrived, so a consumer that
// must resume after an outage (the PostgreSQL export) needs this: "everything after sequence N"
// is then one cursor walk. Written in the same transaction that stores the punch, so the log and
// the punch table never disagree. Sequence numbers are never reused (the sink never prunes).
#include "codec.h"
#include "store_impl.h"

namespace titip::storage {
namespace {

// Walks the punch table in key order and logs every stored punch: a sink made before the log
// existed gets its history once, in a stable order. Relays and origins log nothing.
int Backfill(MDB_txn* txn, MDB_dbi punch, MDB_dbi sinklog, uint64_t* logged) {
  MDB_cursor* cur = nullptr;
  int rc = mdb_cursor_open(txn, punch, &cur);
  if (rc) return rc;
  MDB_val k, v;
  uint64_t seq = 0;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    PunchValue pv;
    if (!DecodePunchValue(View(v), &pv) || pv.state != PunchState::kStored) continue;
    std::string key = U64Key(++seq);
    MDB_val lk = Val(key);
    if ((rc = mdb_put(txn, sinklog, &lk, &k, MDB_APPEND))) break;
  }
  mdb_cursor_close(cur);
  *logged = seq;
  return rc == MDB_NOTFOUND ? 0 : rc;
}

}  // namespace

Status Store::Impl::OpenSinkLog() {
  for (;;) {
    MDB_txn* txn = nullptr;
    if (Status s = BeginTxn(opts.read_only ? MDB_RDONLY : 0, &txn); !s.ok()) return s;
    int rc = mdb_dbi_open(txn, kSinkLogTable, 0, &sinklog);
    if (rc == 0 || (rc == MDB_NOTFOUND && opts.read_only)) {
      has_sinklog = rc == 0;
      rc = mdb_txn_commit(txn);  // keeps the handle
      return rc ? MdbError(rc, "open sink log of " + opts.dir) : Status::Ok();
    }
    uint64_t logged = 0;
    if (rc == MDB_NOTFOUND) rc = mdb_dbi_open(txn, kSinkLogTable, MDB_CREATE, &sinklog);
    if (rc == 0) rc = Backfill(txn, punch, sinklog, &logged);
    if (rc == 0) {
      rc = mdb_txn_commit(txn);
    } else {
      mdb_txn_abort(txn);
    }
    if (rc == 0) {
      has_sinklog = true;
      return Status::Ok();
    }
    if (rc != MDB_MAP_FULL) return MdbError(rc, "create sink log in " + opts.dir);
    // At the cap the store still opens so that it can drain; sink intake then reports
    // kStoreFull (AppendSinkLog) until a restart with a larger cap finds room.
    if (map_size >= opts.map_cap_bytes) return Status::Ok();
    if (Status s = Grow(std::min(opts.map_cap_bytes, map_size * 2)); !s.ok()) return s;
  }
}

Status Store::Impl::AppendSinkLog(std::string_view key, std::optional<uint64_t>* last) {
  if (!has_sinklog) {
    return Status::StoreFull("store was full when opened: no room for the sink log");
  }
  if (!last->has_value()) {
    MDB_cursor* cur = nullptr;
    int rc = mdb_cursor_open(wtxn, sinklog, &cur);
    if (rc) return MdbError(rc, "sink log cursor");
    MDB_val k, v;
    rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
    *last = rc == 0 && k.mv_size == 8 ? GetU64BE(View(k)) : 0;
    mdb_cursor_close(cur);
    if (rc && rc != MDB_NOTFOUND) return MdbError(rc, "sink log last");
  }
  Status s = Put(sinklog, U64Key(**last + 1), key, MDB_APPEND);
  if (s.ok()) ++**last;
  return s;
}

Status Store::ForEachStoredSince(uint64_t after_seq, size_t max,
                                 const std::function<bool(uint64_t, const wire::Punch&)>& fn,
                                 uint64_t* last_seq) {
  Impl& im = *impl_;
  if (last_seq) *last_seq = 0;
  if (!im.has_sinklog) return Status::Ok();
  Impl::ReadTxn rt(&im);
  if (!rt.status().ok()) return rt.status();
  MDB_cursor* cur = nullptr;
  int rc = mdb_cursor_open(rt.get(), im.sinklog, &cur);
  if (rc) return MdbError(rc, "sink log cursor");
  MDB_val k, v;
  if (last_seq && mdb_cursor_get(cur, &k, &v, MDB_LAST) == 0 && k.mv_size == 8) {
    *last_seq = GetU64BE(View(k));
  }
  std::string start = U64Key(after_seq + 1);
  k = Val(start);
  Status s;
  wire::Punch p;
  size_t visited = 0;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && visited < max;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    const uint64_t seq = k.mv_size == 8 ? GetU64BE(View(k)) : 0;
    std::string_view raw;
    bool found = false;
    PunchValue pv;
    if (!(s = im.Get(rt.get(), im.punch, View(v), &raw, &found)).ok()) break;
    if (!found || !DecodePunchValue(raw, &pv) || pv.state != PunchState::kStored ||
        !p.ParseFromArray(pv.body.data(), static_cast<int>(pv.body.size()))) {
      s = Status::Corruption("sink log entry " + std::to_string(seq) +
                             " names a punch that is not stored");
      break;
    }
    ++visited;
    if (!fn(seq, p)) break;
  }
  mdb_cursor_close(cur);
  if (s.ok() && rc && rc != MDB_NOTFOUND) s = MdbError(rc, "sink log cursor");
  return s;
}

}  // namespace titip::storage
