// Store layout v1 → v2: the natural table re-keyed time-major on the first writable open. The
// committed v1_valid fixture is a real v1 store; raw LMDB reads its keys before and after, and
// makes the half-rewritten table a crash between two chunks would leave.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "fixture_compact.h"
#include "raw_lmdb.h"
#include "store_fixture_data.h"

namespace titip::storage::testing {
namespace {

struct RawTables {
  std::map<std::string, std::string> natural;  // key → value
  uint64_t layout_version = 0;
};

// Runs `fn` in a raw LMDB write transaction on the store in `dir` (which must not be open),
// with the natural and meta tables opened.
template <typename Fn>
bool WithRawTxn(const std::string& dir, Fn fn) {
  std::string why;
  const bool ok = EditRaw(
      dir,
      [&](MDB_txn* txn) {
        MDB_dbi natural = 0, meta = 0;
        int rc = mdb_dbi_open(txn, "natural", 0, &natural);
        if (!rc) rc = mdb_dbi_open(txn, "meta", 0, &meta);
        return rc ? rc : fn(txn, natural, meta);
      },
      &why);
  EXPECT_TRUE(ok) << why;
  return ok;
}

RawTables ReadRaw(const std::string& dir) {
  RawTables t;
  WithRawTxn(dir, [&](MDB_txn* txn, MDB_dbi natural, MDB_dbi meta) {
    MDB_cursor* cur = nullptr;
    int rc = mdb_cursor_open(txn, natural, &cur);
    MDB_val k, v;
    for (int g = rc ? rc : mdb_cursor_get(cur, &k, &v, MDB_FIRST); g == 0;
         g = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
      t.natural[std::string(static_cast<char*>(k.mv_data), k.mv_size)] =
          std::string(static_cast<char*>(v.mv_data), v.mv_size);
    }
    if (cur) mdb_cursor_close(cur);
    MDB_val mk{14, const_cast<char*>("layout_version")}, mv;
    if (!rc && mdb_get(txn, meta, &mk, &mv) == 0 && mv.mv_size == 8) {
      for (size_t i = 0; i < 8; ++i) {
        t.layout_version =
            t.layout_version << 8 | static_cast<uint8_t>(static_cast<char*>(mv.mv_data)[i]);
      }
    }
    return rc;
  });
  return t;
}

// v1 key [n][terminal][m][PIN][time 8][verify 8] → v2 [time 8][n][terminal][m][PIN][verify 8],
// written out here independently of the store's codec.
std::string ToV2(const std::string& v1) {
  size_t n = static_cast<uint8_t>(v1[0]);
  size_t m = static_cast<uint8_t>(v1[1 + n]);
  size_t ids = 2 + n + m;
  return v1.substr(ids, 8) + v1.substr(0, ids) + v1.substr(ids + 8, 8);
}

// Opens the store in `dir` for writing and offers it the five fixture punches.
IntakeOutcome AppendFixture(const std::string& dir) {
  ManualClock clock;
  IntakeOutcome out;
  auto store = OpenOrFail(Options(dir, kFixtureNode), clock);
  EXPECT_NE(store, nullptr);
  if (!store) return out;
  std::vector<wire::Punch> punches = FixturePunches(0);
  Status s = store->Write(AppendOp(&punches, &out));
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// All five fixture punches, offered again, are recognised as already there.
void ExpectFixtureDeduped(const std::string& dir) {
  IntakeOutcome out = AppendFixture(dir);
  EXPECT_EQ(out.duplicates, 5u);
  EXPECT_EQ(out.added, 0u);
}

TEST(NaturalMigration, FirstWritableOpenRewritesAV1StoreTimeMajorAndDedupeHolds) {
  TempDir tmp;
  std::string dir = CopyFixture(tmp, "v1_valid");
  RawTables before = ReadRaw(dir);
  ASSERT_EQ(before.layout_version, 1u);
  ASSERT_EQ(before.natural.size(), 5u);
  for (const auto& [k, v] : before.natural) ASSERT_LT(static_cast<uint8_t>(k[0]), 0x80);

  ManualClock clock;
  {  // A reader leaves the layout alone.
    StoreOptions o;
    o.dir = dir;
    o.read_only = true;
    ASSERT_NE(OpenOrFail(o, clock), nullptr);
  }
  EXPECT_EQ(ReadRaw(dir).natural, before.natural);

  ASSERT_NE(OpenOrFail(Options(dir, kFixtureNode), clock), nullptr);
  RawTables after = ReadRaw(dir);
  EXPECT_EQ(after.layout_version, kLayoutVersion);
  std::map<std::string, std::string> want;
  for (const auto& [k, v] : before.natural) want[ToV2(k)] = v;
  EXPECT_EQ(after.natural, want);
  EXPECT_TRUE(Store::Verify(dir).ok()) << Store::Verify(dir).ToString();
  ExpectFixtureDeduped(dir);
}

TEST(NaturalMigration, AHalfRewrittenTableFromACrashIsFinishedOnTheNextOpen) {
  TempDir tmp;
  std::string dir = CopyFixture(tmp, "v1_valid");
  RawTables before = ReadRaw(dir);
  ASSERT_EQ(before.natural.size(), 5u);
  // A crash after the first chunk: the first two keys rewritten, layout_version still 1.
  int moved = 0;
  ASSERT_TRUE(WithRawTxn(dir, [&](MDB_txn* txn, MDB_dbi natural, MDB_dbi) {
    for (const auto& [k, v] : before.natural) {
      if (moved == 2) break;
      std::string nk = ToV2(k);
      MDB_val ok{k.size(), const_cast<char*>(k.data())};
      MDB_val nv{nk.size(), nk.data()}, val{v.size(), const_cast<char*>(v.data())};
      if (int rc = mdb_put(txn, natural, &nv, &val, 0)) return rc;
      if (int rc = mdb_del(txn, natural, &ok, nullptr)) return rc;
      ++moved;
    }
    return 0;
  }));
  ASSERT_EQ(ReadRaw(dir).layout_version, 1u);

  ManualClock clock;
  ASSERT_NE(OpenOrFail(Options(dir, kFixtureNode), clock), nullptr);
  RawTables after = ReadRaw(dir);
  EXPECT_EQ(after.layout_version, kLayoutVersion);
  ASSERT_EQ(after.natural.size(), 5u);
  for (const auto& [k, v] : before.natural) EXPECT_EQ(after.natural.count(ToV2(k)), 1u);
  ExpectFixtureDeduped(dir);
}

// Draining a full store comes first: at its map cap the rewrite has no room, the store opens
// anyway, lookups find the v1 keys, and the next open with room finishes the rewrite.
TEST(NaturalMigration, AV1StoreAtItsMapCapOpensDedupesAndIsRewrittenWhenThereIsRoom) {
  TempDir tmp;
  std::string dir = CompactFixture(tmp);
  const size_t file_size = std::filesystem::file_size(dir + "/data.mdb");
  ManualClock clock;
  {
    auto store = OpenOrFail(Options(dir, kFixtureNode, 4096, file_size), clock);
    ASSERT_NE(store, nullptr);
    std::vector<wire::Punch> again = FixturePunches(0);
    IntakeOutcome out;
    Status s = store->Write(AppendOp(&again, &out));
    // Refused only at the commit (no room for the counters); the lookups ran first and found
    // every punch under its v1 key.
    EXPECT_EQ(s.code(), Code::kStoreFull) << s.ToString();
    EXPECT_EQ(out.duplicates, 5u);
    EXPECT_EQ(out.added, 0u);
  }
  EXPECT_EQ(ReadRaw(dir).layout_version, 1u);
  {
    auto store = OpenOrFail(Options(dir, kFixtureNode, 4096, 4 * file_size), clock);
    ASSERT_NE(store, nullptr);
  }
  EXPECT_EQ(ReadRaw(dir).layout_version, kLayoutVersion);
  ExpectFixtureDeduped(dir);
}

// A v1 key that does not parse is damage: the writable open refuses with a clear error naming
// the store, rather than dropping the entry (its punch would lose its dedupe) or crashing.
TEST(NaturalMigration, ADamagedV1KeyRefusesTheOpenNamingTheStore) {
  TempDir tmp;
  std::string dir = CopyFixture(tmp, "v1_valid");
  ASSERT_TRUE(WithRawTxn(dir, [](MDB_txn* txn, MDB_dbi natural, MDB_dbi) {
    std::string bad = std::string(1, '\x05') + "ABC";  // says 5 bytes of terminal, has 3
    MDB_val k{bad.size(), bad.data()}, v{3, const_cast<char*>("xyz")};
    return mdb_put(txn, natural, &k, &v, 0);
  }));
  ManualClock clock;
  auto r = Store::Open(Options(dir, kFixtureNode), clock);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kCorruption) << r.status().ToString();
  EXPECT_NE(r.status().message().find(dir), std::string::npos) << r.status().message();
  EXPECT_EQ(ReadRaw(dir).layout_version, 1u) << "a refused rewrite must leave the store as v1";
}

TEST(NaturalMigration, ANewStoreIsV2AndDedupesByTheTimeMajorKey) {
  TempDir tmp;
  std::string dir = tmp.Sub("new");
  ASSERT_EQ(AppendFixture(dir).added, 5u);
  RawTables t = ReadRaw(dir);
  EXPECT_EQ(t.layout_version, kLayoutVersion);
  ASSERT_EQ(t.natural.size(), 5u);
  // Table order is time order: the punches' keys (seq 1..5 in time order) come out ascending.
  // Terminal-major order would give seqs 1, 3, 2, 5, 4 (PINs 1001, 1001, 1002, 1002, 20031).
  std::string prev;
  for (const auto& [k, v] : t.natural) {
    EXPECT_EQ(static_cast<uint8_t>(k[0]), 0x80) << "not time-major";
    EXPECT_LT(prev, v);
    prev = v;
  }
  ExpectFixtureDeduped(dir);
}

}  // namespace
}  // namespace titip::storage::testing
