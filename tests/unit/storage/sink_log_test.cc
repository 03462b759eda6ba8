// The sink's arrival log ("sinklog", read by Store::ForEachStoredSince): every punch the sink
// stores gets the next sequence in commit order; duplicates, aliases and relayed punches get
// none; a sink made before the log existed is backfilled once in key order on a writable open
// and reads as empty when opened read-only.
#include "raw_lmdb.h"

#include "store_test_util.h"

namespace titip::storage::testing {
namespace {

struct Logged {
  uint64_t seq;
  std::string origin;
  uint64_t seq_in_origin;
  std::string pin;
};

std::vector<Logged> LogSince(Store& store, uint64_t after, size_t max = SIZE_MAX,
                             uint64_t* last = nullptr) {
  std::vector<Logged> out;
  Status s = store.ForEachStoredSince(
      after, max,
      [&](uint64_t seq, const wire::Punch& p) {
        out.push_back({seq, p.origin(), p.seq(), p.pin()});
        return true;
      },
      last);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

void AcceptAll(Store& store, const std::vector<wire::Punch>& punches, Role role = Role::kSink) {
  IntakeOutcome out;
  ASSERT_TRUE(store.Write(AcceptOp(&punches, role, &out)).ok());
}

// Removes the sink log with raw LMDB, as in a store written before it existed.
void DropSinkLog(const std::string& dir) {
  std::string why;
  ASSERT_TRUE(EditRaw(
      dir,
      [](MDB_txn* txn) {
        MDB_dbi dbi = 0;
        int rc = mdb_dbi_open(txn, "sinklog", 0, &dbi);
        return rc ? rc : mdb_drop(txn, dbi, 1);
      },
      &why))
      << why;
}

TEST(SinkLog, NumbersNewPunchesInArrivalOrderOnly) {
  TempDir tmp;
  ManualClock clock;
  auto store = OpenOrFail(Options(tmp.Sub("s"), "bkpsdm"), clock);
  ASSERT_TRUE(store);
  // Arrival order differs from key order ("kec-b" arrives before "kec-a").
  AcceptAll(*store, {MakeForeign("kec-b", 7, 1, "T1", "10", kBaseCivil + 100),
                     MakeForeign("kec-a", 9, 1, "T1", "11", kBaseCivil + 200)});
  AcceptAll(*store, {MakeForeign("kec-b", 7, 1, "T1", "10", kBaseCivil + 100),  // retransmit
                     MakeForeign("kec-c", 3, 1, "T1", "10", kBaseCivil + 100),  // alias
                     MakeForeign("kec-a", 9, 2, "T1", "12", kBaseCivil + 300)});
  uint64_t last = 0;
  auto all = LogSince(*store, 0, SIZE_MAX, &last);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(last, 3u);
  EXPECT_EQ(all[0].seq, 1u);
  EXPECT_EQ(all[0].origin, "kec-b");
  EXPECT_EQ(all[1].origin, "kec-a");
  EXPECT_EQ(all[2].pin, "12");
  EXPECT_EQ(all[2].seq, 3u);
  // Resuming after 1 with a limit of 1 gives exactly the second arrival.
  auto one = LogSince(*store, 1, 1);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].seq, 2u);
  EXPECT_TRUE(LogSince(*store, 3).empty());
}

// Several intake ops in one group commit share the log (its tail is cached per op), and the
// receipt of each op advances over what that op stored and over gaps earlier ops filled: seqs
// arrive out of order, with a gap, a retransmit, an alias and a rejected punch.
TEST(SinkLog, OpsInOneCommitNumberDenselyAndReceiptsCoverGapsFilledEarlier) {
  TempDir tmp;
  ManualClock clock;
  auto store = OpenOrFail(Options(tmp.Sub("s"), "bkpsdm"), clock);
  ASSERT_TRUE(store);
  AcceptAll(*store,
            {MakeForeign("kec-x", 1, 9, "T9", "90", kBaseCivil)});  // other node's alias target
  std::vector<wire::Punch> b1{MakeForeign("kec-a", 5, 3, "T1", "13", kBaseCivil + 3),
                              MakeForeign("kec-a", 5, 5, "T1", "15", kBaseCivil + 5)};
  wire::Punch bad = MakeForeign("kec-a", 5, 6, "T1", "16", kBaseCivil + 6);
  bad.set_pin("");  // rejected: not in the table, so the receipt must stop before it
  std::vector<wire::Punch> b2{MakeForeign("kec-a", 5, 2, "T1", "12", kBaseCivil + 2),
                              MakeForeign("kec-a", 5, 1, "T9", "90", kBaseCivil),  // alias
                              bad, MakeForeign("kec-a", 5, 3, "T1", "13", kBaseCivil + 3)};
  std::vector<wire::Punch> b3{MakeForeign("kec-a", 5, 4, "T1", "14", kBaseCivil + 4)};
  IntakeOutcome o1, o2, o3;
  WriteOp op1 = AcceptOp(&b1, Role::kSink, &o1), op2 = AcceptOp(&b2, Role::kSink, &o2),
          op3 = AcceptOp(&b3, Role::kSink, &o3);
  std::vector<WriteOp*> ops{&op1, &op2, &op3};
  std::vector<Status> results;
  ASSERT_TRUE(store->WriteBatch(ops, &results).ok());
  for (const auto& r : results) ASSERT_TRUE(r.ok()) << r.ToString();
  auto through = [](const IntakeOutcome& o) {
    EXPECT_EQ(o.receipts.size(), 1u);
    return o.receipts.empty() ? 0 : o.receipts[0].through_seq();
  };
  EXPECT_EQ(through(o1), 0u) << "seq 1 and 2 are missing";
  EXPECT_EQ(through(o2), 3u) << "1 (alias), 2 and 3 (a retransmit) are there";
  EXPECT_EQ(o2.rejected, 1u);
  EXPECT_EQ(o2.duplicates, 2u);
  EXPECT_EQ(through(o3), 5u) << "4 fills the gap before 5, stored by the first op";
  uint64_t last = 0;
  auto all = LogSince(*store, 0, SIZE_MAX, &last);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(last, 5u);
  const uint64_t want[] = {9, 3, 5, 2, 4};  // arrival order; the alias and retransmit log nothing
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].seq, i + 1);
    EXPECT_EQ(all[i].seq_in_origin, want[i]);
  }
  // A later commit continues the numbering and the receipt from the stored progress.
  std::vector<wire::Punch> b4{MakeForeign("kec-a", 5, 6, "T1", "16", kBaseCivil + 6)};
  IntakeOutcome o4;
  ASSERT_TRUE(store->Write(AcceptOp(&b4, Role::kSink, &o4)).ok());
  EXPECT_EQ(through(o4), 6u);
  EXPECT_EQ(LogSince(*store, 5).size(), 1u);
}

TEST(SinkLog, RelayAndOriginLogNothing) {
  TempDir tmp;
  ManualClock clock;
  auto relay = OpenOrFail(Options(tmp.Sub("r"), "relay-1"), clock);
  ASSERT_TRUE(relay);
  AcceptAll(*relay, {MakeForeign("kec-b", 7, 1, "T1", "10", kBaseCivil)}, Role::kRelay);
  std::vector<wire::Punch> own = {MakePunch("T2", "5", kBaseCivil)};
  IntakeOutcome out;
  ASSERT_TRUE(relay->Write(AppendOp(&own, &out)).ok());
  uint64_t last = 99;
  EXPECT_TRUE(LogSince(*relay, 0, SIZE_MAX, &last).empty());
  EXPECT_EQ(last, 0u);
}

TEST(SinkLog, OldSinkIsBackfilledInKeyOrderThenContinues) {
  TempDir tmp;
  ManualClock clock;
  const std::string dir = tmp.Sub("s");
  {
    auto store = OpenOrFail(Options(dir, "bkpsdm"), clock);
    ASSERT_TRUE(store);
    AcceptAll(*store, {MakeForeign("kec-b", 7, 1, "T1", "10", kBaseCivil + 100),
                       MakeForeign("kec-a", 9, 1, "T1", "11", kBaseCivil + 200)});
  }
  DropSinkLog(dir);
  {  // read-only: the old store has no log and reads as empty
    StoreOptions ro;
    ro.dir = dir;
    ro.read_only = true;
    auto store = OpenOrFail(ro, clock);
    ASSERT_TRUE(store);
    uint64_t last = 99;
    EXPECT_TRUE(LogSince(*store, 0, SIZE_MAX, &last).empty());
    EXPECT_EQ(last, 0u);
  }
  auto store = OpenOrFail(Options(dir, "bkpsdm"), clock);
  ASSERT_TRUE(store);
  AcceptAll(*store, {MakeForeign("kec-0", 1, 1, "T1", "13", kBaseCivil + 400)});
  auto all = LogSince(*store, 0);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].origin, "kec-a");  // key order for the backfill
  EXPECT_EQ(all[1].origin, "kec-b");
  EXPECT_EQ(all[2].origin, "kec-0");  // then arrival order
  EXPECT_EQ(all[2].seq, 3u);
  // A second writable open does not backfill again.
  store.reset();
  store = OpenOrFail(Options(dir, "bkpsdm"), clock);
  ASSERT_TRUE(store);
  EXPECT_EQ(LogSince(*store, 0).size(), 3u);
}

}  // namespace
}  // namespace titip::storage::testing
