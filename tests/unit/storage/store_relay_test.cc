// A relay's store: punches it carries are queued once, kept as a tombstone after the hop above
// took custody, and carried again when offered again after that (the origin had no receipt).
#include <gtest/gtest.h>

#include "store_test_util.h"

namespace titip::storage::testing {
namespace {

TEST(StoreRelay, ReofferAfterForwardingIsCarriedAgainButRetransmitWhileQueuedIsNot) {
  TempDir tmp;
  ManualClock clock;
  auto store = OpenOrFail(Options(tmp.Sub("r"), "relay-a"), clock);
  ASSERT_NE(store, nullptr);
  std::vector<wire::Punch> in{MakeForeign("gw-a", 7, 1, "SN1", "1001", kBaseCivil),
                              MakeForeign("gw-a", 7, 2, "SN1", "1002", kBaseCivil)};
  IntakeOutcome out;
  ASSERT_TRUE(store->Write(AcceptOp(&in, Role::kRelay, &out)).ok());
  EXPECT_EQ(out.added, 2u);
  ASSERT_TRUE(store->Write(AcceptOp(&in, Role::kRelay, &out)).ok());  // lost ack: retransmit
  EXPECT_EQ(out.duplicates, 2u);
  EXPECT_EQ(CountersOf(*store).queued, 2u) << "a retransmit of queued punches queues nothing";

  ASSERT_TRUE(store->Write(CustodyOp({KeyOf(in[0]), KeyOf(in[1])})).ok());
  EXPECT_EQ(CountersOf(*store).queued, 0u);
  EXPECT_EQ(StateOf(*store, KeyOf(in[0])), PunchState::kForwarded);
  EXPECT_TRUE(AllPunches(*store).empty()) << "a tombstone keeps no body";

  std::vector<wire::Punch> again{in[1]};
  ASSERT_TRUE(store->Write(AcceptOp(&again, Role::kRelay, &out)).ok());
  EXPECT_EQ(out.added, 0u);
  EXPECT_EQ(out.duplicates, 1u);
  auto queued = AllQueued(*store);
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(KeyOf(queued[0].punch), KeyOf(in[1]));
  EXPECT_EQ(queued[0].punch.pin(), "1002");
  EXPECT_EQ(StateOf(*store, KeyOf(in[1])), PunchState::kQueued);
}

// Accept tells the relay's engine under which queue seq each punch it was given now waits (0:
// not queued), so it can forward them from memory: they must be the queue's own entries.
TEST(StoreRelay, AcceptReportsTheQueueSeqOfEachPunchItQueued) {
  TempDir tmp;
  ManualClock clock;
  auto store = OpenOrFail(Options(tmp.Sub("r"), "relay-a"), clock);
  ASSERT_NE(store, nullptr);
  std::vector<wire::Punch> first{MakeForeign("gw-a", 7, 1, "SN1", "1001", kBaseCivil)};
  IntakeOutcome out;
  ASSERT_TRUE(store->Write(AcceptOp(&first, Role::kRelay, &out)).ok());
  ASSERT_EQ(out.qseqs.size(), 1u);
  wire::Punch bad = MakeForeign("gw-a", 7, 9, "SN1", "1009", kBaseCivil);
  bad.set_seq(0);  // refused: no identity
  std::vector<wire::Punch> in{MakeForeign("gw-a", 7, 2, "SN1", "1002", kBaseCivil), first[0], bad,
                              MakeForeign("gw-a", 7, 3, "SN1", "1003", kBaseCivil)};
  ASSERT_TRUE(store->Write(AcceptOp(&in, Role::kRelay, &out)).ok());
  ASSERT_EQ(out.qseqs.size(), in.size());
  EXPECT_EQ(out.qseqs[1], 0u) << "a duplicate of a queued punch is not queued again";
  EXPECT_EQ(out.qseqs[2], 0u) << "a rejected punch is not queued";
  EXPECT_GT(out.qseqs[0], 0u);
  EXPECT_EQ(out.qseqs[3], out.qseqs[0] + 1) << "one transaction queues without gaps";
  auto queued = AllQueued(*store);
  ASSERT_EQ(queued.size(), 3u);
  EXPECT_EQ(queued[1].qseq, out.qseqs[0]);
  EXPECT_EQ(queued[1].punch.SerializeAsString(), in[0].SerializeAsString());
  EXPECT_EQ(queued[2].qseq, out.qseqs[3]);
  EXPECT_EQ(queued[2].punch.SerializeAsString(), in[3].SerializeAsString());
  // The sink forwards nothing: it reports none.
  auto sink = OpenOrFail(Options(tmp.Sub("s"), "sink"), clock);
  ASSERT_NE(sink, nullptr);
  ASSERT_TRUE(sink->Write(AcceptOp(&first, Role::kSink, &out)).ok());
  EXPECT_TRUE(out.qseqs.empty());
}

// The sender reads every bundle into the same vector: the batch is in [0, n), the vector never
// shrinks, and a spare that held another punch (path, workcode, a longer PIN) reads back as
// exactly the queued punch, as a fresh FetchQueued gives it.
TEST(StoreFetchInto, SparesAreReusedAndKeepNothingOfTheirOldPunch) {
  TempDir tmp;
  ManualClock clock;
  auto store = OpenOrFail(Options(tmp.Sub("r"), "relay-a"), clock);
  ASSERT_NE(store, nullptr);
  std::vector<wire::Punch> in;
  for (uint64_t seq = 1; seq <= 5; ++seq) {
    in.push_back(MakeForeign("gw-a", 7, seq, "SN1", std::to_string(1000 + seq),
                             kBaseCivil + static_cast<int64_t>(seq)));
  }
  in[1].add_path("relay-x");
  in[1].set_workcode(9);
  IntakeOutcome out;
  ASSERT_TRUE(store->Write(AcceptOp(&in, Role::kRelay, &out)).ok());
  ASSERT_EQ(out.added, 5u);

  auto same = [&](const std::vector<QueuedPunch>& buf, size_t n, uint64_t after) {
    auto fresh = store->FetchQueued(after, SIZE_MAX, SIZE_MAX);
    ASSERT_TRUE(fresh.ok());
    ASSERT_EQ(fresh->size(), n);
    for (size_t i = 0; i < n; ++i) {
      EXPECT_EQ(buf[i].qseq, (*fresh)[i].qseq) << i;
      EXPECT_EQ(buf[i].punch.SerializeAsString(), (*fresh)[i].punch.SerializeAsString()) << i;
    }
  };
  std::vector<QueuedPunch> buf;
  auto n = store->FetchQueuedInto(0, 3, SIZE_MAX, &buf);
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(*n, 3u);
  EXPECT_EQ(buf.size(), 3u);
  EXPECT_EQ(buf[1].punch.path_size(), 1);
  EXPECT_EQ(buf[1].punch.workcode(), 9u);

  // Spares full of another punch's fields, then the last two of the queue into them.
  buf.resize(6);
  for (auto& q : buf) {
    q.punch.add_path("stale-relay");
    q.punch.set_workcode(77);
    q.punch.set_pin("a-much-longer-stale-pin");
    q.punch.set_unit("stale-unit");
  }
  const uint64_t after = buf[2].qseq;
  n = store->FetchQueuedInto(after, 10, SIZE_MAX, &buf);
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(*n, 2u);
  EXPECT_EQ(buf.size(), 6u) << "the vector never shrinks: its spares are reused";
  same(buf, 2, after);
  EXPECT_EQ(buf[0].punch.pin(), "1004");

  n = store->FetchQueuedInto(buf[1].qseq, 10, SIZE_MAX, &buf);  // nothing after the last
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
  EXPECT_EQ(buf.size(), 6u);

  n = store->FetchQueuedInto(0, 10, 1, &buf);  // a byte budget still gives one punch
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ(buf[0].punch.pin(), "1001");
}

}  // namespace
}  // namespace titip::storage::testing
