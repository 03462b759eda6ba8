// ArrivalCounter: today's arrivals by unit from the sink's arrival log, incrementally, over a
// real sink store whose stored_at times come from the same ManualClock as `now`.
#include "titip/aggregator/arrivals.h"

#include "store_test_util.h"

namespace titip::aggregator {
namespace {

using storage::testing::AcceptOp;
using storage::testing::MakeForeign;
using storage::testing::OpenOrFail;
using storage::testing::Options;
using storage::testing::TempDir;

constexpr int kWib = 420;  // UTC+7
// 2024-03-15 local (WIB) at hh:mm, as Unix ms.
int64_t LocalMs(int hh, int mm, int ss = 0) {
  return (storage::testing::kBaseCivil - kWib * 60LL + hh * 3600 + mm * 60 + ss) * 1000;
}

class ArrivalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrFail(Options(tmp_.Sub("sink"), "bkpsdm"), clock_);
    ASSERT_TRUE(store_);
    counter_ = std::make_unique<ArrivalCounter>(*store_, kWib);
  }
  const ArrivalCounter& counter() const { return *counter_; }
  // Stores punches from `origin` as the sink; `unit` empty: the punch names no unit.
  void Arrive(const std::string& origin, uint64_t first_seq, int n, const std::string& unit,
              const std::string& terminal = "T1") {
    std::vector<wire::Punch> ps;
    for (int i = 0; i < n; ++i) {
      uint64_t seq = first_seq + i;
      // The PIN names origin and seq: distinct natural keys (no aliases between origins).
      ps.push_back(MakeForeign(origin, 1, seq, terminal, origin + "-" + std::to_string(seq),
                               storage::testing::kBaseCivil + static_cast<int64_t>(seq)));
      ps.back().set_unit(unit);
    }
    storage::IntakeOutcome out;
    ASSERT_TRUE(store_->Write(AcceptOp(&ps, storage::Role::kSink, &out)).ok());
  }
  void Update() {
    Status s = counter_->Update(clock_.Wall().count(), roster_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  using Counts = std::map<std::string, uint64_t>;

  TempDir tmp_;
  ManualClock clock_{WallTime(LocalMs(8, 0))};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<ArrivalCounter> counter_;
  std::map<std::string, std::string> roster_ = {{"T9", "u2"}};
};

TEST_F(ArrivalsTest, AddsWhatArrivedSinceTheLastCall) {
  Arrive("kec-a", 1, 2, "u1");
  Arrive("kec-b", 1, 1, "", "T9");  // no unit: the roster's unit of its terminal
  Arrive("kec-b", 2, 1, "", "T0");  // neither: not counted
  Update();
  EXPECT_EQ(counter().today(), (Counts{{"u1", 2}, {"u2", 1}}));
  Update();  // nothing new
  EXPECT_EQ(counter().today(), (Counts{{"u1", 2}, {"u2", 1}}));
  clock_.Advance(std::chrono::minutes(5));
  Arrive("kec-a", 1, 3, "u1");  // 1 and 2 again (retransmits, not logged), 3 new
  Arrive("kec-c", 1, 1, "u3");
  Update();
  EXPECT_EQ(counter().today(), (Counts{{"u1", 3}, {"u2", 1}, {"u3", 1}}));
}

TEST_F(ArrivalsTest, ANewDayStartsFromZero) {
  clock_.Advance(std::chrono::milliseconds(LocalMs(23, 50) - clock_.Wall().count()));
  Arrive("kec-a", 1, 2, "u1");
  Update();
  EXPECT_EQ(counter().today(), (Counts{{"u1", 2}}));
  clock_.Advance(std::chrono::minutes(20));  // 00:10 the next day
  Arrive("kec-a", 3, 1, "u1");
  Update();
  EXPECT_EQ(counter().today(), (Counts{{"u1", 1}}));
  clock_.Advance(std::chrono::hours(24));
  Update();
  EXPECT_TRUE(counter().today().empty());
}

TEST_F(ArrivalsTest, APunchStoredJustAfterMidnightCountsOnItsDay) {
  clock_.Advance(std::chrono::milliseconds(LocalMs(23, 59, 59) - clock_.Wall().count()));
  Arrive("kec-a", 1, 1, "u1");
  const int64_t before_midnight = clock_.Wall().count();
  clock_.Advance(std::chrono::seconds(2));
  Arrive("kec-a", 2, 1, "u1");  // stored while an update that read `now` before midnight runs
  ASSERT_TRUE(counter_->Update(before_midnight, roster_).ok());
  EXPECT_EQ(counter().today(), (Counts{{"u1", 1}}));
  Update();  // the new day: only the punch stored after midnight
  EXPECT_EQ(counter().today(), (Counts{{"u1", 1}}));
  Arrive("kec-a", 3, 1, "u1");
  Update();
  EXPECT_EQ(counter().today(), (Counts{{"u1", 2}}));
}

TEST_F(ArrivalsTest, ReadsALongLogInSeveralTransactions) {
  Arrive("kec-a", 1, 10'000, "u1");  // a whole batch
  Arrive("kec-b", 1, 7, "u2");
  Update();
  EXPECT_EQ(counter().today(), (Counts{{"u1", 10'000}, {"u2", 7}}));
}

}  // namespace
}  // namespace titip::aggregator
