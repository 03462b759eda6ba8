// The telemetry table (latest wire::Telemetry per node, SPEC §7 "Mesh view"): newer reports
// replace older ones, a clock that jumped back far does not freeze a node, bad input is refused,
// records survive a reopen, and stores made before the table existed still open read-only.
#include <lmdb.h>

#include <filesystem>

#include "fixture_compact.h"
#include "store_fixture_data.h"

namespace titip::storage::testing {
namespace {
namespace fs = std::filesystem;

constexpr int64_t kT0 = 1'700'000'000'000;  // a wall time in ms

wire::Telemetry MakeTelemetry(const std::string& node, uint64_t queued, int terminals = 1) {
  wire::Telemetry t;
  t.set_node(node);
  t.set_queued(queued);
  t.set_undelivered(queued + 2);
  t.set_oldest_queued_age_s(60);
  t.set_bytes(queued * 40);
  t.set_complete_through(kBaseCivil + 8 * 3600);
  for (int i = 0; i < terminals; ++i) {
    auto* term = t.add_terminals();
    term->set_serial("A6F11903600" + std::to_string(10 + i));
    term->set_up(i % 2 == 0);
    term->set_clock_skew_s(-3 + i);
    term->set_last_contact_age_s(30);
  }
  return t;
}

WriteOp TelemetryOp(wire::Telemetry t, int64_t received_at_ms) {
  WriteOp op;
  op.intake = true;
  op.apply = [t = std::move(t), received_at_ms](WriteTxn& w) {
    return w.PutTelemetry(t, received_at_ms);
  };
  return op;
}

struct Seen {
  wire::Telemetry t;
  int64_t received_at_ms;
};

std::vector<Seen> AllTelemetry(Store& store) {
  std::vector<Seen> out;
  Status s = store.ForEachTelemetry([&](const wire::Telemetry& t, int64_t at) {
    out.push_back({t, at});
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

StoreOptions ReadOnly(const std::string& dir) {
  StoreOptions o;
  o.dir = dir;
  o.read_only = true;
  return o;
}

TEST(StoreTelemetry, KeepsOneRecordPerNodeInNodeIdOrder) {
  TempDir tmp;
  ManualClock clock;
  auto store = OpenOrFail(Options(tmp.path(), "agg"), clock);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(AllTelemetry(*store).empty());
  ASSERT_TRUE(store->Write(TelemetryOp(MakeTelemetry("kec-b", 5, 2), kT0)).ok());
  ASSERT_TRUE(store->Write(TelemetryOp(MakeTelemetry("kec-a", 7, 0), kT0 + 1)).ok());
  ASSERT_TRUE(store->Write(TelemetryOp(MakeTelemetry("kec-a-2", 1), kT0 + 2)).ok());
  std::vector<Seen> got = AllTelemetry(*store);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].t.node(), "kec-a");
  EXPECT_EQ(got[0].received_at_ms, kT0 + 1);
  EXPECT_EQ(got[1].t.node(), "kec-a-2");
  EXPECT_EQ(got[2].t.node(), "kec-b");
  EXPECT_EQ(got[2].t.SerializeAsString(), MakeTelemetry("kec-b", 5, 2).SerializeAsString());
  // Stop early.
  int calls = 0;
  ASSERT_TRUE(
      store->ForEachTelemetry([&](const wire::Telemetry&, int64_t) { return ++calls < 2; }).ok());
  EXPECT_EQ(calls, 2);
}

TEST(StoreTelemetry, NewerReplacesOlderIsIgnored) {
  TempDir tmp;
  ManualClock clock;
  auto store = OpenOrFail(Options(tmp.path(), "agg"), clock);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Write(TelemetryOp(MakeTelemetry("kec-a", 1), kT0)).ok());
  ASSERT_TRUE(store->Write(TelemetryOp(MakeTelemetry("kec-a", 2), kT0 + 5000)).ok());
  ASSERT_TRUE(store->Write(TelemetryOp(MakeTelemetry("kec-a", 3), kT0 + 4999)).ok());
  std::vector<Seen> got = AllTelemetry(*store);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].t.queued(), 2u) << "an older report replaced a newer one";
  EXPECT_EQ(got[0].received_at_ms, kT0 + 5000);
  // The same millisecond: the later write is the newer report.
  ASSERT_TRUE(store->Write(TelemetryOp(MakeTelemetry("kec-a", 4), kT0 + 5000)).ok());
  EXPECT_EQ(AllTelemetry(*store)[0].t.queued(), 4u);
}

TEST(StoreTelemetry, ClockSteppedBackMoreThanADayStillReplaces) {
  TempDir tmp;
  ManualClock clock;
  auto store = OpenOrFail(Options(tmp.path(), "agg"), clock);
  ASSERT_NE(store, nullptr);
  // Stored while our clock ran a year ahead; now it is right again.
  const int64_t future = kT0 + 365 * 86'400'000LL;
  ASSERT_TRUE(store->Write(TelemetryOp(MakeTelemetry("kec-a", 1), future)).ok());
  // Exactly a day ahead is still within the slack: ignored.
  ASSERT_TRUE(
      store->Write(TelemetryOp(MakeTelemetry("kec-a", 2), future - kTelemetryFutureSlackMs)).ok());
  EXPECT_EQ(AllTelemetry(*store)[0].t.queued(), 1u);
  ASSERT_TRUE(store->Write(TelemetryOp(MakeTelemetry("kec-a", 3), kT0)).ok());
  std::vector<Seen> got = AllTelemetry(*store);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].t.queued(), 3u);
  EXPECT_EQ(got[0].received_at_ms, kT0);
}

TEST(StoreTelemetry, InvalidInputIsRefused) {
  TempDir tmp;
  ManualClock clock;
  auto store = OpenOrFail(Options(tmp.path(), "agg"), clock);
  ASSERT_NE(store, nullptr);
  wire::Telemetry long_serial = MakeTelemetry("kec-a", 1);
  long_serial.mutable_terminals(0)->set_serial(std::string(65, 'A'));
  wire::Telemetry many_upstreams = MakeTelemetry("kec-a", 1);
  for (int i = 0; i <= kMaxTelemetryUpstreams; ++i) many_upstreams.add_upstreams()->set_id("r");
  wire::Telemetry long_upstream = MakeTelemetry("kec-a", 1);
  long_upstream.add_upstreams()->set_id(std::string(65, 'r'));
  const std::pair<wire::Telemetry, int64_t> bad[] = {
      {MakeTelemetry("", 1), kT0},
      {MakeTelemetry("Kec_A", 1), kT0},
      {MakeTelemetry(std::string(33, 'a'), 1), kT0},
      {MakeTelemetry("kec-a", 1, kMaxTelemetryTerminals + 1), kT0},
      {long_serial, kT0},
      {many_upstreams, kT0},
      {long_upstream, kT0},
      {MakeTelemetry("kec-a", 1), -1},
  };
  for (const auto& [t, at] : bad) {
    Status s = store->Write(TelemetryOp(t, at));
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << t.ShortDebugString() << " → " << s.ToString();
  }
  EXPECT_TRUE(AllTelemetry(*store).empty());
  EXPECT_TRUE(
      store->Write(TelemetryOp(MakeTelemetry("kec-a", 1, kMaxTelemetryTerminals), kT0)).ok());
  EXPECT_EQ(AllTelemetry(*store).size(), 1u);
}

TEST(StoreTelemetry, SurvivesReopenAndIsReadableReadOnly) {
  TempDir tmp;
  ManualClock clock;
  {
    auto store = OpenOrFail(Options(tmp.path(), "agg"), clock);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Write(TelemetryOp(MakeTelemetry("kec-a", 9, 3), kT0)).ok());
  }
  {
    auto store = OpenOrFail(Options(tmp.path(), "agg"), clock);
    ASSERT_NE(store, nullptr);
    std::vector<Seen> got = AllTelemetry(*store);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].t.SerializeAsString(), MakeTelemetry("kec-a", 9, 3).SerializeAsString());
  }
  auto ro = OpenOrFail(ReadOnly(tmp.path()), clock);
  ASSERT_NE(ro, nullptr);
  std::vector<Seen> got = AllTelemetry(*ro);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].received_at_ms, kT0);
  EXPECT_FALSE(ro->Write(TelemetryOp(MakeTelemetry("kec-b", 1), kT0)).ok());
}

TEST(StoreTelemetry, OldStoreOpensReadOnlyWithNoTelemetry) {
  TempDir tmp;
  std::string dir = CopyFixture(tmp, "v1_valid");
  ManualClock clock;
  {
    auto ro = OpenOrFail(ReadOnly(dir), clock);
    ASSERT_NE(ro, nullptr);
    EXPECT_TRUE(AllTelemetry(*ro).empty());
    EXPECT_EQ(AllPunches(*ro).size(), 5u);
  }
  EXPECT_TRUE(Store::Verify(dir).ok());
  // A writer adds the table; the punches stay as they were.
  {
    auto store = OpenOrFail(Options(dir, kFixtureNode), clock);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Write(TelemetryOp(MakeTelemetry("kec-a", 1), kT0)).ok());
  }
  auto ro = OpenOrFail(ReadOnly(dir), clock);
  ASSERT_NE(ro, nullptr);
  EXPECT_EQ(AllTelemetry(*ro).size(), 1u);
  EXPECT_EQ(AllPunches(*ro).size(), 5u);
  EXPECT_EQ(ro->epoch(), kFixtureEpoch);
}

// Adding the table must never stop a full old store from opening: draining it comes first.
TEST(StoreTelemetry, OldStoreAtItsMapCapStillOpensForWriting) {
  TempDir tmp;
  std::string dir = CompactFixture(tmp);
  const size_t file_size = fs::file_size(dir + "/data.mdb");
  ManualClock clock;
  {
    auto store = OpenOrFail(Options(dir, kFixtureNode, 4096, file_size), clock);
    ASSERT_NE(store, nullptr);
    Status s = store->Write(TelemetryOp(MakeTelemetry("kec-a", 1), kT0));
    EXPECT_EQ(s.code(), Code::kStoreFull) << s.ToString();
    EXPECT_TRUE(AllTelemetry(*store).empty());
    EXPECT_EQ(AllPunches(*store).size(), 5u);
  }
  // Below the cap the map grows at open, as WriteBatch would grow it, and the table is made.
  {
    auto store = OpenOrFail(Options(dir, kFixtureNode, 4096, 4 * file_size), clock);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Write(TelemetryOp(MakeTelemetry("kec-b", 1), kT0)).ok());
  }
  auto ro = OpenOrFail(ReadOnly(dir), clock);
  ASSERT_NE(ro, nullptr);
  ASSERT_EQ(AllTelemetry(*ro).size(), 1u);
  EXPECT_EQ(AllTelemetry(*ro)[0].t.node(), "kec-b");
  EXPECT_EQ(AllPunches(*ro).size(), 5u);
}

}  // namespace
}  // namespace titip::storage::testing
