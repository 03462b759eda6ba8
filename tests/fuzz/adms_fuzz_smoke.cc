// Drives adms_fuzz in every build, and checks the decoders it feeds on known inputs.
#include <gtest/gtest.h>

#include "fuzz_smoke.h"
#include "titip/gateway/adms_attlog.h"
#include "titip/gateway/adms_protocol.h"

namespace titip::gateway {
namespace {

TEST(AdmsFuzzSmoke, ValidInputsDecode) {
  auto t = ParseIclockTarget("/iclock/cdata?SN=CNYG213260182&table=ATTLOG&Stamp=9999");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->sn, "CNYG213260182");
  EXPECT_EQ(t->table, "ATTLOG");
  std::vector<AttlogRecord> recs;
  AdmsAttlogParser p;
  p.Feed("46\t2025-01-29 06:58:48\t0\t15\t0\t0\t0\t0\t0\t0\t10881\n41\t2025-01-29 06:59:10\t0\t1",
         &recs);
  p.Finish(&recs);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[1].pin, "41");
  EXPECT_EQ(p.garbage_count(), 0u);
  auto cmds = ParseDeviceCmdBody("ID=101&Return=0&CMD=DATA\n");
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(cmds[0].id, "101");
}

TEST(AdmsFuzzSmoke, GarbageIsRefused) {
  EXPECT_FALSE(ParseIclockTarget("").ok());
  EXPECT_FALSE(ParseIclockTarget("/iclock/cdata?table=ATTLOG").ok());  // no SN
  EXPECT_FALSE(ParseIclockTarget("/etc/passwd?SN=1").ok());
  EXPECT_FALSE(ParseIclockTarget("/iclock/cdata?SN=" + std::string(5000, 'A')).ok());
  std::vector<AttlogRecord> recs;
  AdmsAttlogParser p;
  p.Feed(std::string("\x01\x02\xff\n46\t2025-13-45 99:00:00\n\t\t\n", 29), &recs);
  p.Finish(&recs);
  EXPECT_TRUE(recs.empty());
  EXPECT_GE(p.garbage_count(), 2u);
  AttlogRecord rec;
  EXPECT_NE(DecodeAdmsAttlogLine("not a punch", &rec), nullptr);
  int64_t a = 0, b = 0;
  EXPECT_FALSE(ParseDataQueryAttlog("DATA QUERY ATTLOG StartTime=x", &a, &b));
  EXPECT_TRUE(ParseDeviceCmdBody("\xff\xfe garbage").empty());
}

TEST(AdmsFuzzSmoke, RandomAndMutatedInputsDoNotCrash) {
  fuzz::RunSmoke(TITIP_FUZZ_CORPUS, 1500, 20261202);
}

}  // namespace
}  // namespace titip::gateway
