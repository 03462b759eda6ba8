// The workload generator's contract: determinism per seed (pinned output), the working-week
// calendar, 2–6 punches per present person-day, time order, drift and option checks.
#include "titip/tools/workload.h"

#include <gtest/gtest.h>

#include <map>
#include <utility>
#include <vector>

#include "titip/common/civil_time.h"
#include "titip/tools/attlog_writer.h"

namespace titip::tools {
namespace {

std::vector<Punch> Generate(const WorkloadOptions& o) {
  std::vector<Punch> v;
  Status s = GenerateWorkload(o, [&](const Punch& p) {
    v.push_back(p);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return v;
}

WorkloadOptions TwoWeeks(uint64_t seed) {
  WorkloadOptions o;
  o.users = 200;
  o.days = 14;
  o.start_day = *ParseCivilDate("2024-03-11");  // a Monday
  o.seed = seed;
  return o;
}

TEST(Workload, WeekdayOfKnownDates) {
  EXPECT_EQ(CivilWeekday(*ParseCivilDate("2024-03-11")), 1);  // Monday
  EXPECT_EQ(CivilWeekday(*ParseCivilDate("2024-03-15") + 86399), 5);
  EXPECT_EQ(CivilWeekday(*ParseCivilDate("2024-03-17")), 0);
  EXPECT_EQ(CivilWeekday(0), 4);  // 1970-01-01, Thursday
}

TEST(Workload, SameSeedSameOutputDifferentSeedDifferent) {
  std::vector<Punch> a = Generate(TwoWeeks(7));
  EXPECT_EQ(a, Generate(TwoWeeks(7)));
  EXPECT_NE(a, Generate(TwoWeeks(8)));
}

// Pins the exact stream so a change of generator (or of a platform's mt19937_64) is noticed:
// a seed printed by a failing simulation must reproduce the same punches forever.
TEST(Workload, FirstPunchesOfSeedOneArePinned) {
  WorkloadOptions o = TwoWeeks(1);
  o.users = 6;
  o.days = 1;
  std::vector<Punch> v = Generate(o);
  std::string text;
  for (const Punch& p : v) text += FormatAttlogLine(p, LineEnding::kLf);
  const char* kGolden =
      "     1002\t2024-03-11 07:04:25\t1\t0\t1\t0\n"
      "     1001\t2024-03-11 07:05:51\t1\t0\t1\t0\n"
      "     1006\t2024-03-11 07:08:29\t1\t0\t1\t0\n"
      "     1005\t2024-03-11 07:12:49\t1\t0\t1\t0\n"
      "     1004\t2024-03-11 07:39:43\t1\t0\t1\t0\n"
      "     1003\t2024-03-11 07:45:37\t1\t0\t1\t0\n"
      "     1006\t2024-03-11 11:36:44\t1\t2\t1\t0\n"
      "     1006\t2024-03-11 12:09:35\t1\t3\t1\t0\n"
      "     1005\t2024-03-11 15:00:52\t1\t1\t1\t0\n"
      "     1001\t2024-03-11 15:54:55\t1\t1\t1\t0\n"
      "     1004\t2024-03-11 16:04:53\t1\t1\t1\t0\n"
      "     1006\t2024-03-11 16:07:08\t1\t1\t1\t0\n"
      "     1002\t2024-03-11 16:08:10\t1\t1\t1\t0\n"
      "     1003\t2024-03-11 16:16:24\t1\t1\t1\t0\n";
  EXPECT_EQ(text, kGolden);
}

TEST(Workload, CalendarCountsAndOrder) {
  WorkloadOptions o = TwoWeeks(42);
  std::vector<Punch> v = Generate(o);
  std::map<std::pair<std::string, int64_t>, std::vector<Punch>> per_person_day;
  for (size_t i = 0; i < v.size(); ++i) {
    const Punch& p = v[i];
    int wd = CivilWeekday(p.time);
    ASSERT_TRUE(wd >= 1 && wd <= 5) << FormatCivil(p.time);
    if (i > 0) {
      ASSERT_LE(v[i - 1].time, p.time);
    }
    EXPECT_TRUE(p.verify == 1 || p.verify == 15 || p.verify == 0);
    EXPECT_LE(p.status, 3u);
    per_person_day[{p.pin, p.time / 86400}].push_back(p);
  }
  const size_t working_person_days = 10 * o.users;
  size_t present = per_person_day.size();
  EXPECT_LE(present, working_person_days);
  // ~3% absences: 2000 person-days give ~60; allow wide bounds.
  EXPECT_GE(present, working_person_days * 94 / 100);
  EXPECT_LE(present, working_person_days * 995 / 1000);
  std::map<size_t, size_t> by_count;
  for (const auto& [key, punches] : per_person_day) {
    ASSERT_GE(punches.size(), 2u) << key.first;
    ASSERT_LE(punches.size(), 6u) << key.first;
    EXPECT_EQ(punches.front().status, 0u);
    EXPECT_EQ(punches.back().status, 1u);
    ++by_count[punches.size()];
  }
  for (size_t n = 2; n <= 6; ++n) EXPECT_GT(by_count[n], 0u) << n << " punches never occur";
}

TEST(Workload, ArrivalsClusterBeforeSevenThirtyWithSomeLate) {
  std::vector<Punch> v = Generate(TwoWeeks(3));
  std::map<std::pair<std::string, int64_t>, int64_t> first;
  for (const Punch& p : v) first.try_emplace({p.pin, p.time / 86400}, p.time % 86400);
  size_t late = 0;
  for (const auto& kv : first) late += kv.second > 7 * 3600 + 30 * 60;
  // Mean 07:20, sd 15 min: ~25% after 07:30 plus the very-late tail.
  EXPECT_GT(late, first.size() / 10);
  EXPECT_LT(late, first.size() / 2);
}

TEST(Workload, ClockDriftShiftsEveryTime) {
  WorkloadOptions o = TwoWeeks(5);
  std::vector<Punch> base = Generate(o);
  o.clock_drift_s = -125;
  std::vector<Punch> drifted = Generate(o);
  ASSERT_EQ(base.size(), drifted.size());
  for (size_t i = 0; i < base.size(); ++i) EXPECT_EQ(drifted[i].time, base[i].time - 125);
}

TEST(Workload, FirstPinAndDeviceId) {
  WorkloadOptions o = TwoWeeks(9);
  o.users = 5;
  o.first_pin = 120066;
  o.device_id = 7;
  for (const Punch& p : Generate(o)) {
    EXPECT_GE(std::stoull(p.pin), 120066u);
    EXPECT_LE(std::stoull(p.pin), 120070u);
    EXPECT_EQ(p.device_id, 7u);
  }
}

TEST(Workload, RejectsBadOptions) {
  WorkloadOptions o = TwoWeeks(1);
  o.users = 0;
  EXPECT_EQ(GenerateWorkload(o, nullptr).code(), Code::kInvalidArgument);
  o = TwoWeeks(1);
  o.start_day += 3600;
  EXPECT_EQ(GenerateWorkload(o, nullptr).code(), Code::kInvalidArgument);
}

TEST(Workload, SinkErrorStopsGeneration) {
  int calls = 0;
  Status s = GenerateWorkload(TwoWeeks(1), [&](const Punch&) {
    return ++calls == 3 ? Status::IoError("disk full") : Status::Ok();
  });
  EXPECT_EQ(s.code(), Code::kIoError);
  EXPECT_EQ(calls, 3);
}

}  // namespace
}  // namespace titip::tools
