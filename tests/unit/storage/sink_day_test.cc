// The sink's day index: ForEachPunchOnDays through the index gives exactly the punches a full
// scan filtered the same way gives (several terminals, days, punches a second either side of
// midnight, duplicates under another identity), terminal filters skip whole terminals, an old
// store without the index is backfilled on a writable open (across several chunks) and read by
// a full scan on a read-only open.
#include <algorithm>
#include <set>
#include <tuple>

#include "day_index_strip.h"
#include "store_test_util.h"

namespace titip::storage::testing {
namespace {

constexpr int64_t kDay = 86400;
using Seen = std::multiset<std::tuple<std::string, std::string, int64_t, int64_t>>;

Seen Visit(Store& store, int64_t first, int64_t last, const Store::TerminalFilter& keep) {
  Seen out;
  Status s = store.ForEachPunchOnDays(first, last, keep, [&](const wire::Punch& p) {
    out.insert({p.terminal(), p.pin(), p.device_time(), p.stored_at_ms()});
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// What the recap read before the index: every stored punch, filtered by hand.
Seen Scan(Store& store, int64_t first, int64_t last, const Store::TerminalFilter& keep) {
  Seen out;
  Status s = store.ForEachPunch([&](const wire::Punch& p, PunchState st) {
    int64_t day = p.device_time() / kDay * kDay;
    if (st == PunchState::kStored && day >= first && day <= last && (!keep || keep(p.terminal()))) {
      out.insert({p.terminal(), p.pin(), p.device_time(), p.stored_at_ms()});
    }
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// `n` punches from 3 gateways over 6 terminals and 10 days; every 7th lands within a second of
// midnight; every 50th is re-sent by another origin (same natural key: an alias, not stored).
void Fill(Store& store, ManualClock& clock, int n) {
  std::vector<wire::Punch> batch;
  auto flush = [&] {
    WriteOp op;
    op.intake = true;
    op.apply = [&](WriteTxn& t) {
      IntakeOutcome out;
      return t.Accept(batch, Role::kSink, &out);
    };
    ASSERT_TRUE(store.Write(std::move(op)).ok());
    batch.clear();
    clock.Advance(std::chrono::seconds(3600));
  };
  for (int i = 0; i < n; ++i) {
    int term = i % 6;
    int64_t day = kBaseCivil + (i / 6 % 10) * kDay;
    int64_t t = day + 7 * 3600 + (i * 37) % (10 * 3600);
    if (i % 7 == 0) t = (i % 14 == 0) ? day + kDay - 1 : day;  // 23:59:59 or 00:00:00
    wire::Punch p = MakeForeign("gw-" + std::to_string(term / 2), 9, i + 1,
                                "TERM" + std::to_string(term), std::to_string(100 + i % 97), t);
    batch.push_back(p);
    if (i % 50 == 0) {
      p.set_origin("gw-reflashed");
      batch.push_back(p);
    }
    if (batch.size() >= 5000) flush();
  }
  if (!batch.empty()) flush();
}

void ExpectSameAsScan(Store& store) {
  auto odd = [](std::string_view t) { return t == "TERM1" || t == "TERM3" || t == "TERM5"; };
  auto two = [](std::string_view t) { return t == "TERM2"; };
  for (int64_t first = kBaseCivil - kDay; first <= kBaseCivil + 10 * kDay; first += 3 * kDay) {
    for (int64_t span : {0LL, 1LL, 3LL}) {
      int64_t last = first + span * kDay;
      SCOPED_TRACE(std::to_string(first) + ".." + std::to_string(last));
      EXPECT_EQ(Visit(store, first, last, nullptr), Scan(store, first, last, nullptr));
      EXPECT_EQ(Visit(store, first, last, odd), Scan(store, first, last, odd));
      EXPECT_EQ(Visit(store, first, last, two), Scan(store, first, last, two));
    }
  }
}

TEST(SinkDayIndex, SameAsFullScan) {
  TempDir tmp;
  ManualClock clock(WallTime(1'710'000'000'000));
  auto store = Store::Open(Options(tmp.path(), "bkpsdm"), clock);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->HasDayIndex());
  Fill(**store, clock, 3000);
  ExpectSameAsScan(**store);
  // A day boundary: 23:59:59 is the earlier day, 00:00:00 the later one.
  Seen day0 = Visit(**store, kBaseCivil, kBaseCivil, nullptr);
  EXPECT_EQ(day0.size(), Scan(**store, kBaseCivil, kBaseCivil, nullptr).size());
  for (const auto& [term, pin, t, at] : day0) {
    EXPECT_GE(t, kBaseCivil);
    EXPECT_LT(t, kBaseCivil + kDay);
    EXPECT_GT(at, 0) << "arrival time kept";
  }
  EXPECT_TRUE(std::any_of(day0.begin(), day0.end(),
                          [](const auto& e) { return std::get<2>(e) == kBaseCivil + kDay - 1; }));
  EXPECT_TRUE(std::any_of(day0.begin(), day0.end(),
                          [](const auto& e) { return std::get<2>(e) == kBaseCivil; }));
  // Stop early: the callback's false ends the walk.
  int calls = 0;
  ASSERT_TRUE((*store)
                  ->ForEachPunchOnDays(kBaseCivil, kBaseCivil + 9 * kDay, nullptr,
                                       [&](const wire::Punch&) { return ++calls < 5; })
                  .ok());
  EXPECT_EQ(calls, 5);
  EXPECT_TRUE((*store)->CheckDayIndex().ok());
  EXPECT_TRUE(Store::Verify(tmp.path()).ok());
}

TEST(SinkDayIndex, OldStoreScansReadOnlyAndIsBackfilledOnWritableOpen) {
  TempDir tmp;
  ManualClock clock(WallTime(1'710'000'000'000));
  {
    auto store = Store::Open(Options(tmp.path(), "bkpsdm"), clock);
    ASSERT_TRUE(store.ok());
    Fill(**store, clock, 45000);  // more than two backfill chunks
  }
  std::string why;
  ASSERT_TRUE(StripDayIndex(tmp.path(), &why)) << why;
  StoreOptions ro = Options(tmp.path(), "");
  ro.read_only = true;
  Seen expected;
  {
    auto store = Store::Open(ro, clock);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_FALSE((*store)->HasDayIndex());
    expected = Scan(**store, kBaseCivil + 2 * kDay, kBaseCivil + 4 * kDay, nullptr);
    ASSERT_GT(expected.size(), 10000u);
    EXPECT_EQ(Visit(**store, kBaseCivil + 2 * kDay, kBaseCivil + 4 * kDay, nullptr), expected);
  }
  {
    auto store = Store::Open(Options(tmp.path(), "bkpsdm"), clock);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_TRUE((*store)->HasDayIndex());
    ExpectSameAsScan(**store);
    // New punches after the backfill are indexed as they are stored.
    Fill(**store, clock, 600);
    ExpectSameAsScan(**store);
  }
  auto store = Store::Open(ro, clock);
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE((*store)->HasDayIndex());
  EXPECT_EQ(Visit(**store, kBaseCivil + 2 * kDay, kBaseCivil + 4 * kDay, nullptr).size(),
            Scan(**store, kBaseCivil + 2 * kDay, kBaseCivil + 4 * kDay, nullptr).size());
}

// A gateway's own punches are not the sink's: its index stays empty.
TEST(SinkDayIndex, OriginPunchesAreNotIndexed) {
  TempDir tmp;
  ManualClock clock(WallTime(1'710'000'000'000));
  auto store = Store::Open(Options(tmp.path(), "gw-a"), clock);
  ASSERT_TRUE(store.ok());
  std::vector<wire::Punch> ps{MakePunch("T1", "1", kBaseCivil + 8 * 3600)};
  WriteOp op;
  op.apply = [&](WriteTxn& t) {
    IntakeOutcome out;
    return t.AppendLocal(&ps, &out);
  };
  ASSERT_TRUE((*store)->Write(std::move(op)).ok());
  EXPECT_TRUE(Visit(**store, kBaseCivil, kBaseCivil, nullptr).empty());
}

}  // namespace
}  // namespace titip::storage::testing
