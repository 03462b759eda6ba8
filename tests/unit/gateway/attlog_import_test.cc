// The USB import stamps every punch with the time it was read in and whether our clock was
// synchronised then, reading the clock's sync state once per batch, not once per record.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "counting_clock.h"
#include "titip/gateway/attlog_import.h"

namespace titip::gateway {
namespace {

TEST(AttlogImport, ReadsTheClockOncePerBatchAndStampsEveryPunch) {
  std::string tmpl = "/tmp/titip-attlog-import-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  const std::string dir = tmpl;
  constexpr int kLines = 5000;
  {
    std::ofstream f(dir + "/attlog.dat", std::ios::binary);
    for (int i = 0; i < kLines; ++i) {
      // One punch a minute per PIN, 50 PINs: all distinct, all valid.
      int minute = i / 50;
      char line[64];
      std::snprintf(line, sizeof line, "%9d\t2026-11-10 %02d:%02d:00\t1\t0\t1\t0\r\n",
                    1000 + i % 50, 6 + minute / 60, minute % 60);
      f << line;
    }
  }
  ManualClock manual(WallTime(1'793'840'400'000));
  manual.SetSynced(false);  // a box booted after a power cut, NTP not reached yet
  testing::CountingClock clock(manual);
  storage::StoreOptions so;
  so.dir = dir + "/store";
  so.node_id = "gw-import";
  auto store = storage::Store::Open(so, manual);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ImportOptions o;
  o.path = dir + "/attlog.dat";
  o.terminal_serial = "USB0001";
  o.batch = 2000;
  auto r = ImportAttlog(o, **store, clock);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->garbage, 0u);
  ASSERT_EQ(r->added, static_cast<uint64_t>(kLines));
  // 5,000 records in batches of at least 2,000: one read per batch, 2 or 3 of them.
  EXPECT_GE(clock.synced_reads(), 2);
  EXPECT_LE(clock.synced_reads(), 3);
  auto queued = (*store)->FetchQueued(0, kLines + 1, 1u << 30);
  ASSERT_TRUE(queued.ok());
  ASSERT_EQ(queued->size(), static_cast<size_t>(kLines));
  for (const auto& q : *queued) {
    EXPECT_EQ(q.punch.received_at_ms(), 1'793'840'400'000);
    EXPECT_FALSE(q.punch.clock_synced());
    EXPECT_EQ(q.punch.source(), wire::SOURCE_USB);
  }
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace titip::gateway
