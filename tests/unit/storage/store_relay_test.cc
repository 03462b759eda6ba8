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

}  // namespace
}  // namespace titip::storage::testing
