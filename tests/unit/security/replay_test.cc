// Replay (issue 6): a captured bundle sent again — over the same link, later, from another
// connection, under another link session — stores nothing twice: identities and natural keys
// dedupe at the sink. Engine level over real LMDB stores (engine_harness.h).
#include <gtest/gtest.h>

#include "engine_harness.h"

namespace titip::relay::testing {
namespace {

TEST(Replay, CapturedBundlesReplayedAreStoredOnce) {
  EnginePair h;
  std::vector<wire::Envelope> captured;
  h.policy = [&](const WireFrame& f) {
    if (f.up && f.frame.has_bundle()) captured.push_back(f.frame);
    return Verdict{};
  };
  auto punches = h.AddPunches(0, 250);
  ASSERT_TRUE(h.RunUntilDrained(Ms(60000)));
  ASSERT_FALSE(captured.empty());
  ExpectSinkHoldsExactly(h, punches);
  const uint64_t accepted = h.sink.engine->counters().punches_accepted;
  ASSERT_EQ(accepted, punches.size());

  // The same frames again, immediately, then from a stranger's connection with a new session.
  for (int round = 0; round < 3; ++round) {
    for (wire::Envelope e : captured) {
      std::string peer = kPeer;
      if (round == 2) {
        peer = "attacker";
        e.mutable_bundle()->set_link_session(0xdeadbeef);
      }
      h.sink.engine->OnDownstreamFrame(h.now(), peer, e);
      h.Pump();
    }
    h.Advance(Ms(5000));
  }
  ExpectSinkHoldsExactly(h, punches);
  EXPECT_EQ(h.sink.engine->counters().punches_accepted, accepted);
  EXPECT_EQ(h.sink.engine->counters().punches_duplicate, 3 * punches.size());
  EXPECT_EQ(h.CountersOf(h.sink).punches, punches.size());
}

}  // namespace
}  // namespace titip::relay::testing
