// TerminalBoard → telemetry: what the aggregator's mesh view shows about a gateway's terminals.
#include <gtest/gtest.h>

#include "titip/relay/services.h"

namespace titip::relay {
namespace {

TEST(TerminalBoardTest, ToWireReportsAgesAndOnlyKnownSkew) {
  TerminalBoard b;
  b.Update("SN-NEVER", [](TerminalBoard::Entry& e) { e.clock_skew_s = 77; });  // not known
  b.Update("SN-UP", [](TerminalBoard::Entry& e) {
    e.up = true;
    e.skew_known = true;
    e.clock_skew_s = 600;
    e.last_contact_ms = 1'000'000;
  });
  b.Update("SN-FUTURE", [](TerminalBoard::Entry& e) { e.last_contact_ms = 9'000'000; });
  auto w = b.ToWire(1'125'500);
  ASSERT_EQ(w.size(), 3u);  // by serial
  EXPECT_EQ(w[0].serial(), "SN-FUTURE");
  EXPECT_EQ(w[0].last_contact_age_s(), 0) << "a contact stamped ahead of now is not negative";
  EXPECT_EQ(w[1].serial(), "SN-NEVER");
  EXPECT_FALSE(w[1].up());
  EXPECT_EQ(w[1].last_contact_age_s(), -1) << "never heard from";
  EXPECT_EQ(w[1].clock_skew_s(), 0) << "a skew nobody measured is not reported";
  EXPECT_EQ(w[2].serial(), "SN-UP");
  EXPECT_TRUE(w[2].up());
  EXPECT_EQ(w[2].clock_skew_s(), 600);
  EXPECT_EQ(w[2].last_contact_age_s(), 125);
}

}  // namespace
}  // namespace titip::relay
