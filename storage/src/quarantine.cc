// The sink's quarantine: punches that failed origin verification (a relay altered or invented
// them, or their origin has no registered signing key). Never stored as genuine, never
// receipted — so the origin re-offers the genuine copy — and never silently dropped: an admin
// reads them with `titipctl quarantine`.
#include "codec.h"
#include "store_impl.h"

namespace titip::storage {

Status WriteTxn::Quarantine(const std::vector<QuarantineEntry>& entries, uint64_t* added) {
  Store::Impl* im = impl_;
  *added = 0;
  if (entries.empty()) return Status::Ok();
  if (!im->has_quarantine) {
    return Status::StoreFull("store was full when opened: no quarantine table");
  }
  for (const auto& e : entries) {
    // Bounded like a stored punch: a forged one may carry any bytes; keys stay < 511.
    if (e.punch.origin().size() > 64 || e.digest.size() > 64) continue;
    std::string key = StreamPrefix(e.punch.origin(), e.punch.epoch());
    PutU64BE(&key, e.punch.seq());
    key += e.digest;
    std::string_view old;
    bool found = false;
    if (Status s = im->GetInWrite(im->quarantine, key, &old, &found); !s.ok()) return s;
    wire::Quarantined q;
    if (found && q.ParseFromArray(old.data(), static_cast<int>(old.size()))) {
      q.set_times(q.times() + 1);
    } else {
      *q.mutable_punch() = e.punch;
      q.mutable_punch()->clear_path();
      q.set_reason(e.reason);
      q.set_via(e.via);
      q.set_received_at_ms(im->clock.Wall().count());
      q.set_times(1);
      ++*added;
    }
    if (Status s = im->Put(im->quarantine, key, q.SerializeAsString()); !s.ok()) return s;
  }
  return Status::Ok();
}

Status Store::ForEachQuarantined(const std::function<bool(const wire::Quarantined&)>& fn) {
  Impl& im = *impl_;
  if (!im.has_quarantine) return Status::Ok();  // older store opened read-only: none
  Impl::ReadTxn rt(&im);
  if (!rt.status().ok()) return rt.status();
  MDB_cursor* cur = nullptr;
  int rc = mdb_cursor_open(rt.get(), im.quarantine, &cur);
  if (rc) return MdbError(rc, "quarantine cursor");
  MDB_val k, v;
  Status s;
  wire::Quarantined q;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    if (!q.ParseFromArray(v.mv_data, static_cast<int>(v.mv_size))) {
      s = Status::Corruption("quarantine record does not decode");
      break;
    }
    if (!fn(q)) break;
  }
  mdb_cursor_close(cur);
  if (s.ok() && rc && rc != MDB_NOTFOUND) s = MdbError(rc, "quarantine cursor");
  return s;
}

}  // namespace titip::storage
