// Schedule TOML: what a day looks like for each kind of unit, rule precedence, holidays, and
// bad files that must name their line and key.
#include <gtest/gtest.h>

#include "schedule_test.h"
#include "titip/aggregator/schedule.h"

namespace titip::aggregator {
namespace {

using testing::Day;
using testing::kScheduleToml;

Schedule Parsed() {
  auto s = ParseSchedule(kScheduleToml, "schedule.toml");
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(s).value();
}

constexpr int H(int h, int m) { return h * 3600 + m * 60; }

TEST(ScheduleCalendar, WeekdayAndDayStart) {
  EXPECT_EQ(Weekday(Day("2026-03-02")), 1);  // Monday
  EXPECT_EQ(Weekday(Day("2026-03-08")), 0);  // Sunday
  EXPECT_EQ(DayStart(Day("2026-03-02") + 86399), Day("2026-03-02"));
}

TEST(SchedulePlan, NormalWeek) {
  Schedule s = Parsed();
  DayPlan mon = s.PlanFor("setda", Day("2026-04-06"));
  EXPECT_EQ(mon.kind, DayPlan::Kind::kWorking);
  EXPECT_EQ(mon.hours, (Hours{H(7, 30), H(16, 0)}));
  EXPECT_EQ(mon.profile, "normal");
  EXPECT_EQ(s.PlanFor("setda", Day("2026-04-10")).hours, (Hours{H(7, 30), H(16, 30)}));  // Fri
  EXPECT_EQ(s.PlanFor("setda", Day("2026-04-11")).kind, DayPlan::Kind::kOff);            // Sat
  EXPECT_EQ(s.PlanFor("setda", Day("2026-04-12")).kind, DayPlan::Kind::kOff);            // Sun
}

TEST(SchedulePlan, RamadanRangeIsInclusive) {
  Schedule s = Parsed();
  EXPECT_EQ(s.PlanFor("setda", Day("2026-02-17")).profile, "normal");
  EXPECT_EQ(s.PlanFor("setda", Day("2026-02-18")).hours, (Hours{H(8, 0), H(15, 0)}));
  EXPECT_EQ(s.PlanFor("setda", Day("2026-03-13")).hours, (Hours{H(8, 0), H(15, 30)}));  // Fri
  EXPECT_EQ(s.PlanFor("setda", Day("2026-03-19")).profile, "ramadan");
  EXPECT_EQ(s.PlanFor("setda", Day("2026-03-20")).kind, DayPlan::Kind::kHoliday);
  EXPECT_EQ(s.PlanFor("setda", Day("2026-03-25")).profile, "normal");
}

TEST(SchedulePlan, LaterRulesWinSoSixDayAndShiftUnitsKeepTheirsInRamadan) {
  Schedule s = Parsed();
  DayPlan sat = s.PlanFor("kec-kumpeh", Day("2026-03-07"));
  EXPECT_EQ(sat.kind, DayPlan::Kind::kWorking);
  EXPECT_EQ(sat.profile, "six-day");
  EXPECT_EQ(sat.hours, (Hours{H(7, 30), H(13, 0)}));
  DayPlan rsud = s.PlanFor("rsud", Day("2026-03-07"));
  EXPECT_EQ(rsud.kind, DayPlan::Kind::kShift);
  ASSERT_EQ(rsud.shifts.size(), 3u);
  EXPECT_EQ(rsud.shifts[2], (Hours{H(21, 0), H(31, 0)}));  // ends 07:00 the next day
}

TEST(SchedulePlan, HolidaysStopNonShiftUnitsOnly) {
  Schedule s = Parsed();
  DayPlan ny = s.PlanFor("setda", Day("2026-01-01"));
  EXPECT_EQ(ny.kind, DayPlan::Kind::kHoliday);
  EXPECT_EQ(ny.holiday, "Tahun Baru 2026 Masehi");
  EXPECT_EQ(s.PlanFor("kec-kumpeh", Day("2026-03-24")).kind, DayPlan::Kind::kHoliday);
  EXPECT_EQ(s.PlanFor("damkar", Day("2026-01-01")).kind, DayPlan::Kind::kShift);
}

struct BadSchedule {
  std::string toml;
  std::string where;  // "schedule.toml:LINE: key 'KEY'"
  std::string needle;
};

class ScheduleBad : public ::testing::TestWithParam<BadSchedule> {};

TEST_P(ScheduleBad, NamesLineAndKey) {
  auto s = ParseSchedule(GetParam().toml, "schedule.toml");
  ASSERT_FALSE(s.ok());
  const std::string& m = s.status().message();
  EXPECT_EQ(m.rfind(GetParam().where, 0), 0u) << m;
  EXPECT_NE(m.find(GetParam().needle), std::string::npos) << m;
}

constexpr char kHead[] = "default_profile = \"n\"\n[profile.n]\nmon = \"07:30-16:00\"\n";

INSTANTIATE_TEST_SUITE_P(
    Files, ScheduleBad,
    ::testing::Values(
        BadSchedule{"default_profile = \n", "schedule.toml:1: TOML syntax", ""},
        BadSchedule{"default_profile = \"x\"\n", "schedule.toml: key 'profile'", "at least one"},
        BadSchedule{"default_profile = \"x\"\n[profile.n]\nmon = \"07:30-16:00\"\n",
                    "schedule.toml:1: key 'default_profile'", "name of a"},
        BadSchedule{std::string(kHead) + "tue = \"7:30-16:00\"\n",
                    "schedule.toml:4: key 'profile.n.tue'", "HH:MM-HH:MM"},
        BadSchedule{std::string(kHead) + "tue = \"16:00-07:30\"\n",
                    "schedule.toml:4: key 'profile.n.tue'", "only shifts"},
        BadSchedule{std::string(kHead) + "tues = \"07:30-16:00\"\n",
                    "schedule.toml:4: key 'profile.n.tues'", "unknown key"},
        BadSchedule{std::string(kHead) + "[[rule]]\nprofile = \"ramadhan\"\n",
                    "schedule.toml:5: key 'rule[0].profile'", "name of a"},
        BadSchedule{std::string(kHead) + "[[rule]]\nprofile = \"n\"\nfrom = 2026-02-30\n",
                    "schedule.toml:6: TOML syntax", "day"},
        BadSchedule{
            std::string(kHead) +
                "[[rule]]\nprofile = \"n\"\nfrom = \"2026-03-19\"\nuntil = \"2026-02-18\"\n",
            "schedule.toml:7: key 'rule[0].until'", "before from"},
        BadSchedule{std::string(kHead) + "[[rule]]\nprofile = \"n\"\nfrom = \"2026-13-01\"\n",
                    "schedule.toml:6: key 'rule[0].from'", "YYYY-MM-DD"},
        BadSchedule{std::string(kHead) + "[[rule]]\nprofile = \"n\"\nunits = [\"RSUD\"]\n",
                    "schedule.toml:6: key 'rule[0].units'", "unit ids"},
        BadSchedule{std::string(kHead) + "[[holiday]]\nname = \"x\"\n",
                    "schedule.toml:4: key 'holiday[0].date'", "required"},
        BadSchedule{std::string(kHead) + "[holiday]\ndate = 2026-01-01\n",
                    "schedule.toml:4: key 'holiday'", "[[holiday]]"},
        BadSchedule{std::string(kHead) + "[profile.s]\nshifts = [\"07:00-14:00\", \"x\"]\n",
                    "schedule.toml:5: key 'profile.s.shifts'", "HH:MM-HH:MM"}));

TEST(ScheduleFile, MuaroJambiExampleLoads) {
  auto s = LoadSchedule(std::string(TITIP_EXAMPLES_DIR) + "/schedule.toml");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->PlanFor("setda", Day("2026-08-17")).kind, DayPlan::Kind::kHoliday);
  EXPECT_EQ(s->PlanFor("setda", Day("2026-03-02")).profile, "ramadan");
  EXPECT_EQ(s->PlanFor("rsud-ahmad-ripin", Day("2026-08-17")).kind, DayPlan::Kind::kShift);
  EXPECT_EQ(s->PlanFor("setda", Day("2026-08-18")).kind, DayPlan::Kind::kWorking);
}

}  // namespace
}  // namespace titip::aggregator
