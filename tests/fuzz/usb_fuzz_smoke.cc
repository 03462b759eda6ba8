// Drives usb_fuzz in every build, and checks the decoders it feeds on known inputs.
#include <gtest/gtest.h>

#include "fuzz_smoke.h"
#include "titip/gateway/attlog_parser.h"
#include "titip/gateway/glg_parser.h"

namespace titip::gateway {
namespace {

const std::string kGlgHeader = "No\tMchn\tEnNo\t\tName\t\tMode\tIOMd\tDateTime\r\n";

TEST(UsbFuzzSmoke, ValidFilesDecode) {
  AttlogParser p;
  std::vector<AttlogRecord> recs;
  p.Feed("        1\t2022-11-30 14:34:39\t1\t0\t1\t0\r\n   120066\t2022-11-30 14:35:02\t1\t1\t1\t0",
         &recs);
  p.Finish(&recs);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[1].pin, "120066");
  EXPECT_EQ(p.garbage_count(), 0u);
  auto g = ParseGlg(kGlgHeader + "1\t1\t13767\t\t1\t1\t01/19/2026 14:53:50\r\n", DateOrder::kAuto);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  ASSERT_EQ(g->records.size(), 1u);
  EXPECT_EQ(g->records[0].pin, "13767");
}

TEST(UsbFuzzSmoke, GarbageIsRefused) {
  AttlogParser p;
  std::vector<AttlogRecord> recs;
  std::string bad("\x00\x01\x02\n", 4);
  bad += "1\t2022-02-30 10:00:00\n" + std::string(3000, 'x') + "\n";
  p.Feed(bad, &recs);
  p.Finish(&recs);
  EXPECT_TRUE(recs.empty());
  EXPECT_EQ(p.garbage_count(), 3u);
  EXPECT_FALSE(ParseGlg("", DateOrder::kAuto).ok());
  EXPECT_FALSE(ParseGlg("No\tName\r\n1\tBUDI\r\n", DateOrder::kAuto).ok());  // no EnNo/DateTime
  // Only ambiguous dates: refused rather than guessed.
  EXPECT_FALSE(
      ParseGlg(kGlgHeader + "1\t1\t7\t\tB\t\t1\t0\t03/04/2026 07:00:00\r\n", DateOrder::kAuto)
          .ok());
}

TEST(UsbFuzzSmoke, RandomAndMutatedInputsDoNotCrash) {
  fuzz::RunSmoke(TITIP_FUZZ_CORPUS, 1500, 20261204);
}

}  // namespace
}  // namespace titip::gateway
