// GLG_001.TXT / AGL_001.TXT: the doc's header and row, columns by name, the date order
// decided per file (refused when ambiguous), garbage rows counted, and an import that is
// idempotent (second run adds 0).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "titip/common/civil_time.h"
#include "titip/gateway/attlog_import.h"

namespace titip::gateway {
namespace {

const std::string kHeader = "No\tMchn\tEnNo\t\tName\t\tMode\tIOMd\tDateTime\r\n";

TEST(Glg, DocSampleRowMapsByHeaderName) {
  std::string text = kHeader + "1\t1\t13767\t\t1\t1\t01/19/2026 14:53:50\r\n";
  EXPECT_TRUE(LooksLikeGlg(text));
  auto r = ParseGlg(text, DateOrder::kAuto);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->records.size(), 1u);
  EXPECT_EQ(r->order, DateOrder::kMdy);
  const auto& rec = r->records[0];
  EXPECT_EQ(rec.pin, "13767");
  EXPECT_EQ(rec.device_time, *ParseCivil("2026-01-19 14:53:50"));
  EXPECT_EQ(rec.verify, 1u);
  EXPECT_EQ(rec.status, 1u);
  EXPECT_EQ(rec.device_id, 1u);
  EXPECT_EQ(rec.line, 2u);
}

TEST(Glg, FullWidthRowsAndDayFirstAndIso) {
  std::string dmy = kHeader + "1\t1\t7\t\tBUDI\t\t1\t0\t25/03/2026 07:31:02\r\n" +
                    "2\t1\t8\t\tSITI\t\t1\t1\t03/04/2026 16:05:00\r\n";
  auto r = ParseGlg(dmy, DateOrder::kAuto);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->records.size(), 2u);
  EXPECT_EQ(r->order, DateOrder::kDmy);
  EXPECT_EQ(FormatCivil(r->records[1].device_time, ' '), "2026-04-03 16:05:00");
  EXPECT_EQ(r->records[1].status, 1u);
  auto iso = ParseGlg(kHeader + "1\t1\t9\t\t\t\t1\t0\t2026-03-25 07:31:02\n", DateOrder::kAuto);
  ASSERT_TRUE(iso.ok());
  ASSERT_EQ(iso->records.size(), 1u);
  EXPECT_EQ(iso->records[0].pin, "9");
}

TEST(Glg, AmbiguousOrMixedDatesAreRefusedUnlessTold) {
  std::string amb = kHeader + "1\t1\t7\t\t1\t0\t03/04/2026 07:31:02\r\n";
  auto r = ParseGlg(amb, DateOrder::kAuto);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("ambiguous"), std::string::npos);
  auto told = ParseGlg(amb, DateOrder::kDmy);
  ASSERT_TRUE(told.ok());
  EXPECT_EQ(FormatCivil(told->records[0].device_time, ' '), "2026-04-03 07:31:02");
  std::string mixed = kHeader + "1\t1\t7\t\t1\t0\t25/03/2026 07:31:02\r\n" +
                      "2\t1\t7\t\t1\t0\t03/25/2026 07:31:02\r\n";
  EXPECT_FALSE(ParseGlg(mixed, DateOrder::kAuto).ok());
  EXPECT_FALSE(ParseGlg("No\tMchn\tName\n1\t1\tx\n", DateOrder::kAuto).ok());
}

TEST(Glg, GarbageRowsCountedWithReasons) {
  std::string text = kHeader + "1\t1\t\t\t1\t0\t01/19/2026 14:53:50\r\n" +
                     "2\t1\t5\t\t1\t0\t13/19/2026 14:53:50\r\n" +
                     "3\t1\t5\t\tx\t0\t01/19/2026 14:53:50\r\n" + std::string("\x01\x02\x03\r\n") +
                     "\t\t\r\n" + "4\t1\t6\t\t1\t0\t01/20/2026 07:00:00\r\n";
  auto r = ParseGlg(text, DateOrder::kMdy);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->records.size(), 1u);
  EXPECT_EQ(r->records[0].pin, "6");
  EXPECT_EQ(r->garbage, 4u);
  EXPECT_EQ(r->lines, 5u);
  // Truncated files: every prefix parses or is refused, none crashes.
  for (size_t i = 0; i < text.size(); ++i) (void)ParseGlg(text.substr(0, i), DateOrder::kMdy);
}

TEST(Glg, ImportTwiceAddsNothingTheSecondTime) {
  std::string tmpl = "/tmp/titip-glg-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  std::string dir = tmpl;
  {
    std::ofstream f(dir + "/GLG_001.TXT", std::ios::binary);
    f << kHeader;
    for (int i = 0; i < 500; ++i) {
      f << i + 1 << "\t1\t" << 1000 + i % 50 << "\t\t1\t" << i % 2 << "\t01/" << 13 + i / 100
        << "/2026 " << 7 + i % 9 << ":" << 10 + i % 40 << ":00\r\n";
    }
  }
  ManualClock clock;
  storage::StoreOptions so;
  so.dir = dir + "/store";
  so.node_id = "gw-glg";
  auto store = storage::Store::Open(so, clock);
  ASSERT_TRUE(store.ok());
  ImportOptions o;
  o.path = dir + "/GLG_001.TXT";
  o.terminal_serial = "SOL0001";
  o.batch = 128;
  uint64_t last_done = 0, last_total = 1;
  auto first = ImportAttlog(o, **store, clock, [&](uint64_t d, uint64_t t) {
    EXPECT_GE(d, last_done);
    last_done = d;
    last_total = t;
  });
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->garbage, 0u);
  EXPECT_EQ(first->added, 500u);
  EXPECT_EQ(last_done, last_total);
  auto second = ImportAttlog(o, **store, clock);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->added, 0u);
  EXPECT_EQ(second->duplicates, 500u);
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace titip::gateway
