// Origin seals at a relay (titip/relay/origin_seal.h): kept durably beside the punches they
// cover, so that a relay restart or a re-bundling never strips a punch of its signature; pruned
// when the sink's receipt covers their last punch (no re-offer can need them any more).
#include <set>

#include "codec.h"
#include "store_impl.h"

namespace titip::storage {
namespace {

// Seals scanned per punch looking for one that covers it: overlapping ranges (a re-offer
// sealed again) are few; past this the punch travels without a seal and the sink's
// quarantine tells the operator.
constexpr int kMaxSealScan = 32;

std::string SealKey(const wire::Seal& s) {
  std::string k = StreamPrefix(s.origin(), s.epoch());
  PutU64BE(&k, s.last_seq());
  PutU64BE(&k, s.first_seq());
  return k;
}

}  // namespace

Status WriteTxn::PutSeals(const std::vector<wire::Seal>& seals) {
  Store::Impl* im = impl_;
  if (seals.empty()) return Status::Ok();
  if (!im->has_seal) return Status::StoreFull("store was full when opened: no seal table");
  for (const auto& s : seals) {
    if (s.origin().empty() || s.origin().size() > 64) continue;  // keys stay far below 511
    if (Status st = im->Put(im->seal, SealKey(s), s.SerializeAsString()); !st.ok()) return st;
  }
  return Status::Ok();
}

// Called by ApplyReceipt for streams that are not ours.
Status PruneSeals(Store::Impl* im, const std::string& prefix, uint64_t through) {
  if (!im->has_seal) return Status::Ok();
  MDB_cursor* cur = nullptr;
  int rc = mdb_cursor_open(im->wtxn, im->seal, &cur);
  if (rc) return MdbError(rc, "seal cursor");
  MDB_val k = Val(prefix), v;
  rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
  while (rc == 0) {
    std::string_view key = View(k);
    if (key.size() != prefix.size() + 16 || key.substr(0, prefix.size()) != prefix ||
        GetU64BE(key.substr(prefix.size())) > through) {
      break;
    }
    if ((rc = mdb_cursor_del(cur, 0))) break;
    k = Val(prefix);  // the deleted one was the smallest of the stream: seek again
    rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
  }
  mdb_cursor_close(cur);
  if (rc == MDB_MAP_FULL) im->map_full = true;
  return rc && rc != MDB_NOTFOUND ? MdbError(rc, "prune seals") : Status::Ok();
}

Result<std::vector<wire::Seal>> Store::SealsFor(const std::vector<wire::Punch>& punches) {
  Impl& im = *impl_;
  std::vector<wire::Seal> out;
  if (!im.has_seal || punches.empty()) return out;
  Impl::ReadTxn rt(&im);
  if (!rt.status().ok()) return rt.status();
  MDB_cursor* cur = nullptr;
  int rc = mdb_cursor_open(rt.get(), im.seal, &cur);
  if (rc) return MdbError(rc, "seal cursor");
  std::set<std::string> taken;
  Status s;
  for (const auto& p : punches) {
    bool covered = false;
    for (const auto& have : out) {
      if (have.origin() == p.origin() && have.epoch() == p.epoch() && p.seq() >= have.first_seq() &&
          p.seq() <= have.last_seq()) {
        covered = true;
        break;
      }
    }
    if (covered) continue;
    const std::string prefix = StreamPrefix(p.origin(), p.epoch());
    std::string from = prefix + U64Key(p.seq());
    MDB_val k = Val(from), v;
    rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    for (int n = 0; rc == 0 && n < kMaxSealScan; ++n) {
      std::string_view key = View(k);
      if (key.size() != prefix.size() + 16 || key.substr(0, prefix.size()) != prefix) break;
      if (GetU64BE(key.substr(prefix.size() + 8)) <= p.seq()) {
        wire::Seal seal;
        if (!seal.ParseFromArray(v.mv_data, static_cast<int>(v.mv_size))) {
          s = Status::Corruption("seal record does not decode");
          break;
        }
        if (taken.insert(std::string(key)).second) out.push_back(std::move(seal));
        break;
      }
      rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    }
    if (!s.ok()) break;
  }
  mdb_cursor_close(cur);
  if (!s.ok()) return s;
  return out;
}

}  // namespace titip::storage
