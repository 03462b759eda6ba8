// Working schedules for the recap (SPEC §7), as data: named profiles (hours per weekday, or a
// list of shifts), rules that give a profile to units over a date range (Ramadan, 6-day units,
// shift units), and holidays. Nothing about Indonesian working hours is in the code; the
// example for Muaro Jambi is deploy/examples/schedule.toml.
//
// File format (TOML):
//   default_profile = "normal"              # profile of a unit and day no rule matches
//   [profile.normal]                        # mon..sun = "HH:MM-HH:MM"; an absent day is off
//   mon = "07:30-16:00"  ...  fri = "07:30-16:30"
//   [profile.rsud]                          # a shift unit: shifts may cross midnight
//   shifts = ["07:00-14:00", "14:00-21:00", "21:00-07:00"]
//   [[rule]]                                # later rules win over earlier ones
//   profile = "ramadan"; from = 2026-02-18; until = 2026-03-19   # inclusive; both optional
//   units = ["setda", "dinkes"]             # optional; absent or ["*"] = every unit
//   [[holiday]]                             # a day off for every non-shift unit
//   date = 2026-01-01; until = 2026-01-02; name = "..."; units = [...]  # until, units optional
// Dates are TOML local dates or "YYYY-MM-DD" strings. Pure; a Schedule is immutable and safe to
// share between threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "titip/common/status.h"

namespace titip::aggregator {

// Seconds after the day's 00:00. end > start; end may pass 86400 for a shift ending tomorrow.
struct Hours {
  int start_s = 0;
  int end_s = 0;
  bool operator==(const Hours&) const = default;
};

struct DayPlan {
  enum class Kind { kWorking, kOff, kHoliday, kShift };
  Kind kind = Kind::kOff;
  Hours hours;                // kWorking
  std::vector<Hours> shifts;  // kShift: every shift that may start this day
  std::string profile;        // the profile that decided it
  std::string holiday;        // kHoliday: its name
};

struct Profile {
  std::optional<Hours> week[7];  // index 0 = Sunday ... 6 = Saturday (civil weekday)
  std::vector<Hours> shifts;     // non-empty = a shift profile
};

struct ScheduleRule {
  std::string profile;
  int64_t from_day = INT64_MIN;  // civil seconds of 00:00, inclusive
  int64_t until_day = INT64_MAX;
  std::vector<std::string> units;  // empty = every unit
};

struct Holiday {
  int64_t from_day = 0, until_day = 0;
  std::string name;
  std::vector<std::string> units;  // empty = every unit
};

class Schedule {
 public:
  // The plan of `unit` on the civil day starting at `day` (a multiple of 86400).
  DayPlan PlanFor(std::string_view unit, int64_t day) const;

 private:
  friend Result<Schedule> ParseSchedule(std::string_view text, const std::string& path);
  std::string default_profile_;
  std::map<std::string, Profile, std::less<>> profiles_;
  std::vector<ScheduleRule> rules_;
  std::vector<Holiday> holidays_;
};

// Errors are kInvalidArgument "PATH:LINE: key 'rule[1].from': message" (LINE omitted when
// unknown): TOML syntax, unknown keys, bad times, an unknown profile, until before from.
Result<Schedule> ParseSchedule(std::string_view text, const std::string& path);
Result<Schedule> LoadSchedule(const std::string& path);

// 0 = Sunday ... 6 = Saturday for a civil second.
int Weekday(int64_t civil_seconds);
// Civil second of 00:00 of the day holding `civil_seconds`.
int64_t DayStart(int64_t civil_seconds);

}  // namespace titip::aggregator
