// A schedule in the shape of the Muaro Jambi example, shared by the schedule and recap tests.
#pragma once

#include <string>

#include "titip/common/civil_time.h"

namespace titip::aggregator::testing {

// 2026-03-02 is a Monday; Ramadan here runs 2026-02-18 .. 2026-03-19.
inline constexpr char kScheduleToml[] = R"(
default_profile = "normal"

[profile.normal]
mon = "07:30-16:00"
tue = "07:30-16:00"
wed = "07:30-16:00"
thu = "07:30-16:00"
fri = "07:30-16:30"

[profile.ramadan]
mon = "08:00-15:00"
tue = "08:00-15:00"
wed = "08:00-15:00"
thu = "08:00-15:00"
fri = "08:00-15:30"

[profile.six-day]
mon = "07:30-14:00"
tue = "07:30-14:00"
wed = "07:30-14:00"
thu = "07:30-14:00"
fri = "07:30-11:30"
sat = "07:30-13:00"

[profile.shift]
shifts = ["07:00-14:00", "14:00-21:00", "21:00-07:00"]

[[rule]]
profile = "ramadan"
from = 2026-02-18
until = "2026-03-19"

[[rule]]
profile = "six-day"
units = ["kec-kumpeh"]

[[rule]]
profile = "shift"
units = ["rsud", "damkar"]

[[holiday]]
date = 2026-01-01
name = "Tahun Baru 2026 Masehi"

[[holiday]]
date = 2026-03-20
until = 2026-03-24
name = "Idul Fitri 1447 H dan cuti bersama"
)";

inline int64_t Day(const char* ymd) { return *ParseCivilDate(ymd); }
inline int64_t At(const char* ymd_hms) { return *ParseCivil(ymd_hms); }

}  // namespace titip::aggregator::testing
