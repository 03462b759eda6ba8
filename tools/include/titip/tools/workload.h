// Deterministic synthetic attendance: who punches when, for demos, simulators and tests.
// The same options and seed give the same punches on every platform and standard library,
// because only mt19937_64's raw output (fixed by the standard) and our own arithmetic are used.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "titip/common/status.h"

namespace titip::tools {

// One punch as a terminal would record it; `time` is civil seconds (titip/common/civil_time.h).
struct Punch {
  std::string pin;
  int64_t time = 0;
  uint32_t device_id = 1;
  uint32_t status = 0;  // 0 check-in, 1 check-out, 2 break-out, 3 break-in
  uint32_t verify = 1;  // 1 finger, 15 face, 0 password
  uint32_t workcode = 0;

  bool operator==(const Punch&) const = default;
};

struct WorkloadOptions {
  uint32_t users = 10;        // 1..kMaxUsers
  uint64_t first_pin = 1001;  // PINs are first_pin, first_pin + 1, ... in decimal
  int64_t start_day = 0;      // civil seconds of 00:00:00 of the first day (ParseCivilDate)
  uint32_t days = 1;          // 1..kMaxDays calendar days; Saturdays and Sundays stay empty
  uint64_t seed = 1;
  uint32_t device_id = 1;
  int64_t clock_drift_s = 0;  // added to every time: a terminal whose clock runs off
};

inline constexpr uint32_t kMaxUsers = 1'000'000;
inline constexpr uint32_t kMaxDays = 3660;

// Calls `sink` once per punch, in non-decreasing time order (ties broken by PIN, then by the
// person's own sequence), one day at a time so memory stays at one day's punches.
// Schedule: Mon–Thu 07:30–16:00, Fri 07:30–16:30. Each present person-day has 2–6 punches:
// arrival around 07:20 (sd 15 min, some very late), departure around the end of day (some
// early), optionally a break-out/break-in pair around noon and a nervous second scan at
// arrival or departure. About 3% of person-days are absences.
// Returns InvalidArgument for out-of-range options, before calling `sink`; stops at, and
// returns, the first non-OK Status from `sink` (e.g. a full disk while writing a file).
using PunchSink = std::function<Status(const Punch&)>;
Status GenerateWorkload(const WorkloadOptions& opts, const PunchSink& sink);

// 0 = Sunday .. 6 = Saturday, for a civil second (any time of that day).
int CivilWeekday(int64_t civil_seconds);

}  // namespace titip::tools
