#include "titip/gateway/peer_rate_limit.h"

#include <gtest/gtest.h>

namespace titip::gateway {
namespace {

using std::chrono::milliseconds;

TEST(PeerRateLimit, BurstThenRefillAtTheRate) {
  PeerRateLimit l(2, 4);
  MonoTime t{};
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(l.Allow("10.0.0.5", t)) << i;
  EXPECT_FALSE(l.Allow("10.0.0.5", t));
  EXPECT_FALSE(l.Allow("10.0.0.5", t + milliseconds(400)));  // 0.8 of a token
  EXPECT_TRUE(l.Allow("10.0.0.5", t + milliseconds(600)));   // 1.2
  EXPECT_FALSE(l.Allow("10.0.0.5", t + milliseconds(600)));
  // Never more than the burst saved, however long the peer was quiet.
  MonoTime later = t + std::chrono::hours(1);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(l.Allow("10.0.0.5", later)) << i;
  EXPECT_FALSE(l.Allow("10.0.0.5", later));
}

TEST(PeerRateLimit, PeersHaveTheirOwnBucketsAndTheIdlestIsForgotten) {
  PeerRateLimit l(1, 1, 2);
  MonoTime t{};
  EXPECT_TRUE(l.Allow("a", t));
  EXPECT_FALSE(l.Allow("a", t));
  EXPECT_TRUE(l.Allow("b", t + milliseconds(10)));  // a's empty bucket does not hurt b
  EXPECT_TRUE(l.Allow("c", t + milliseconds(20)));  // forgets a, the idlest
  EXPECT_EQ(l.peers(), 2u);
  EXPECT_FALSE(l.Allow("b", t + milliseconds(30)));  // b still remembered and empty
  EXPECT_TRUE(l.Allow("a", t + milliseconds(40)));   // a starts over with a full bucket
}

TEST(PeerRateLimit, ClockGoingBackwardsGivesNothing) {
  PeerRateLimit l(1, 1);
  MonoTime t = MonoTime{} + std::chrono::seconds(10);
  EXPECT_TRUE(l.Allow("a", t));
  EXPECT_FALSE(l.Allow("a", t - std::chrono::seconds(5)));
}

}  // namespace
}  // namespace titip::gateway
