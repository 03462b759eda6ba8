// Layout v1 → v2: the natural table re-keyed time-major (codec.h, NaturalIndexKey). Every v1
// key starts with a byte < 0x80 and every v2 key with 0x80, so the v1 keys not yet rewritten
// are always the table's first entries: each chunk takes them from the front, and a crash
// between chunks leaves a table that the next open simply continues. Until the last chunk
// (natural_v1 set) a lookup tries both keys (write_txn.cc), so dedupe holds throughout.
#include <algorithm>
#include <utility>
#include <vector>

#include "codec.h"
#include "store_impl.h"

namespace titip::storage {
namespace {

constexpr size_t kChunk = 20000;  // keys per transaction: bounded dirty pages

}  // namespace

Status Store::Impl::MigrateNaturalIndex() {
  while (natural_v1) {
    MDB_txn* txn = nullptr;
    if (Status s = BeginTxn(0, &txn); !s.ok()) return s;
    SetWriteTxn(txn);
    map_full = false;
    std::vector<std::pair<std::string, std::string>> batch;  // v1 key, value
    MDB_cursor* cur = nullptr;
    int rc = mdb_cursor_open(txn, natural, &cur);
    Status s = rc ? MdbError(rc, "natural cursor") : Status::Ok();
    if (s.ok()) {
      MDB_val k, v;
      for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && batch.size() < kChunk;
           rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size > 0 && static_cast<const uint8_t*>(k.mv_data)[0] >= 0x80) break;
        batch.emplace_back(std::string(View(k)), std::string(View(v)));
      }
      if (rc && rc != MDB_NOTFOUND) s = MdbError(rc, "natural cursor");
      mdb_cursor_close(cur);
    }
    for (const auto& [old_key, value] : batch) {
      if (!s.ok()) break;
      std::optional<std::string> nk = NaturalIndexKeyFromV1(old_key);
      if (!nk) {
        s = Status::Corruption("damaged natural index key in " + opts.dir);
        break;
      }
      s = Put(natural, *nk, value);
      if (s.ok()) s = Del(natural, old_key);
    }
    const bool done = s.ok() && batch.size() < kChunk;
    if (done) s = PutMetaU64("layout_version", kLayoutVersion);
    SetWriteTxn(nullptr);
    if (s.ok()) {
      rc = mdb_txn_commit(txn);
      if (rc) s = MdbError(rc, "commit natural index rewrite");
    } else {
      mdb_txn_abort(txn);
    }
    if (s.ok()) {
      natural_v1 = !done;
      continue;
    }
    if (s.code() != Code::kStoreFull) return s;
    // Each chunk adds as many keys as it deletes, but the old pages are free only after its
    // commit. At the map cap the store still opens (draining it comes first): natural_v1 stays
    // set, so lookups also try the v1 key, and the next open with room finishes the rewrite.
    if (map_size >= opts.map_cap_bytes) return Status::Ok();
    if (Status g = Grow(std::min(opts.map_cap_bytes, map_size * 2)); !g.ok()) return g;
  }
  return Status::Ok();
}

}  // namespace titip::storage
