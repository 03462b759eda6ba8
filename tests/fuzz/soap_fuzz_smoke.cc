// Drives soap_fuzz in every build, and checks the decoder it feeds on known inputs.
#include <gtest/gtest.h>

#include "fuzz_smoke.h"
#include "titip/gateway/soap_attlog.h"

namespace titip::gateway {
namespace {

constexpr char kReply[] =
    "<GetAttLogResponse>\r\n"
    "<Row><PIN>10610805</PIN><DateTime>2014-11-30 18:36:49</DateTime><Verified>0</Verified>"
    "<Status>0</Status><WorkCode>0</WorkCode></Row>\r\n"
    "<Row><PIN>7</PIN><DateTime>2014-12-01 07:01:02</DateTime><Verified>1</Verified>"
    "<Status>1</Status><WorkCode>0</WorkCode></Row>\r\n"
    "</GetAttLogResponse>";

TEST(SoapFuzzSmoke, ValidReplyDecodes) {
  SoapAttLogParser p;
  std::vector<AttlogRecord> recs;
  p.Feed(kReply, &recs);
  p.Finish();
  EXPECT_TRUE(p.saw_response());
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].pin, "10610805");
  EXPECT_EQ(recs[1].status, 1u);
  EXPECT_EQ(p.garbage_count(), 0u);
}

TEST(SoapFuzzSmoke, GarbageIsRefused) {
  AttlogRecord rec;
  EXPECT_NE(DecodeSoapRow("", &rec), nullptr);
  EXPECT_NE(DecodeSoapRow("<Row><PIN></PIN></Row>", &rec), nullptr);
  EXPECT_NE(DecodeSoapRow("<Row><PIN>1</PIN><DateTime>2014-02-30 25:00:00</DateTime></Row>", &rec),
            nullptr);
  SoapAttLogParser p;
  std::vector<AttlogRecord> recs;
  p.Feed("<Row><PIN>\x01\xff</PIN><DateTime>x</DateTime></Row><Row><PIN>3", &recs);
  p.Finish();
  EXPECT_TRUE(recs.empty());
  EXPECT_EQ(p.garbage_count(), 2u);  // the bad row and the unterminated one
}

// Found by soap_fuzz: an opening tag with a '<' inside gave a record when the body came in one
// piece and none when a chunk ended inside the tag.
TEST(SoapFuzzSmoke, BrokenOpenTagGivesTheSameResultInAnySplit) {
  const std::string a = "<Row a=\"<b",
                    b = "\"><PIN>1</PIN><DateTime>2014-11-30 18:36:49</DateTime></Row>";
  SoapAttLogParser whole, split;
  std::vector<AttlogRecord> w, s;
  whole.Feed(a + b, &w);
  whole.Finish();
  split.Feed(a, &s);
  split.Feed(b, &s);
  split.Finish();
  EXPECT_EQ(w, s);
  EXPECT_TRUE(w.empty());
}

TEST(SoapFuzzSmoke, RandomAndMutatedInputsDoNotCrash) {
  fuzz::RunSmoke(TITIP_FUZZ_CORPUS, 1500, 20261203);
}

}  // namespace
}  // namespace titip::gateway
