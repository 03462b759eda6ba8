// What the deadline monitor and the late-upload flag are computed from: the gateway's
// complete-through (terminal contacts and the first punch without a receipt), the store's
// oldest-undelivered time, and the sink's arrival stamp on every stored punch.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "titip/relay/complete_through.h"
#include "titip/storage/store.h"

namespace titip {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kNow = 1'775'440'800'000;  // 2026-04-06 02:00:00 UTC = 09:00 WIB
constexpr int64_t kWibS = 7 * 3600;

TEST(CompleteThrough, NoTerminalsNothingPendingIsNow) {
  storage::Counters c;
  EXPECT_EQ(relay::CompleteThrough(kNow, 420, c, {}), kNow / 1000 + kWibS);
}

TEST(CompleteThrough, OldestTerminalContactBounds) {
  std::map<std::string, relay::TerminalBoard::Entry> board;
  board["A"].last_contact_ms = kNow - 5000;
  board["B"].last_contact_ms = kNow - 3600'000;  // not read for an hour
  storage::Counters c;
  EXPECT_EQ(relay::CompleteThrough(kNow, 420, c, board), (kNow - 3600'000) / 1000 + kWibS);
  board["C"];  // never reached since start: nothing can be claimed
  EXPECT_EQ(relay::CompleteThrough(kNow, 420, c, board), 0);
}

TEST(CompleteThrough, FirstUnreceiptedPunchBounds) {
  storage::Counters c;
  c.undelivered = 12;
  c.oldest_undelivered_ms = kNow - 7200'000;
  EXPECT_EQ(relay::CompleteThrough(kNow, 420, c, {}), (kNow - 7200'000 - 1) / 1000 + kWibS);
}

class TempStore : public ::testing::Test {
 protected:
  TempStore() : dir_(fs::temp_directory_path() / ("titip-di-" + std::to_string(getpid()))) {
    fs::remove_all(dir_);
  }
  ~TempStore() override { fs::remove_all(dir_); }
  std::unique_ptr<storage::Store> Open(const std::string& node) {
    storage::StoreOptions o;
    o.dir = dir_.string();
    o.node_id = node;
    auto s = storage::Store::Open(o, clock_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return std::move(s).value();
  }
  static wire::Punch MakePunch(const std::string& pin, int64_t received_at_ms) {
    wire::Punch p;
    p.set_terminal("T1");
    p.set_pin(pin);
    p.set_device_time(1'775'466'000);  // 2026-04-06 09:00:00 civil
    p.set_utc_offset_min(420);
    p.set_received_at_ms(received_at_ms);
    return p;
  }
  ManualClock clock_{WallTime(kNow)};
  fs::path dir_;
};

TEST_F(TempStore, OldestUndeliveredFollowsTheReceipt) {
  auto store = Open("gw-a");
  std::vector<wire::Punch> ps = {MakePunch("1", kNow - 3000), MakePunch("2", kNow - 2000)};
  storage::WriteOp op;
  op.apply = [&](storage::WriteTxn& t) {
    storage::IntakeOutcome out;
    return t.AppendLocal(&ps, &out);
  };
  ASSERT_TRUE(store->Write(std::move(op)).ok());
  EXPECT_EQ(store->GetCounters()->oldest_undelivered_ms, kNow - 3000);
  wire::Receipt r;
  r.set_origin("gw-a");
  r.set_epoch(store->epoch());
  r.set_through_seq(1);
  ASSERT_TRUE(
      store->Write({false, 0, [&](storage::WriteTxn& t) { return t.ApplyReceipt(r); }}).ok());
  EXPECT_EQ(store->GetCounters()->oldest_undelivered_ms, kNow - 2000);
  r.set_through_seq(2);
  ASSERT_TRUE(
      store->Write({false, 0, [&](storage::WriteTxn& t) { return t.ApplyReceipt(r); }}).ok());
  EXPECT_EQ(store->GetCounters()->oldest_undelivered_ms, 0);
}

TEST_F(TempStore, SinkStampsArrival) {
  auto store = Open("bkpsdm");
  wire::Punch p = MakePunch("1", kNow - 86400'000);
  p.set_origin("gw-a");
  p.set_epoch(7);
  p.set_seq(1);
  clock_.Advance(std::chrono::hours(50));
  storage::WriteOp op;
  op.apply = [&](storage::WriteTxn& t) {
    storage::IntakeOutcome out;
    return t.Accept({p}, storage::Role::kSink, &out);
  };
  ASSERT_TRUE(store->Write(std::move(op)).ok());
  int seen = 0;
  ASSERT_TRUE(store
                  ->ForEachPunch([&](const wire::Punch& s, storage::PunchState) {
                    EXPECT_EQ(s.stored_at_ms(), kNow + 50 * 3600'000LL);
                    EXPECT_EQ(s.received_at_ms(), kNow - 86400'000);  // the gateway's, untouched
                    ++seen;
                    return true;
                  })
                  .ok());
  EXPECT_EQ(seen, 1);
}

}  // namespace
}  // namespace titip
