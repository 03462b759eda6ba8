// The punch workload generator. Randomness is drawn in a fixed order from one mt19937_64 and
// shaped with integer arithmetic only, so a seed means the same file everywhere (std::
// distributions and floating-point rounding differ across standard libraries and CPUs).
#include "titip/tools/workload.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace titip::tools {
namespace {

constexpr int64_t kMin = 60;
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;
constexpr int64_t kEndMonThu = 16 * kHour;
constexpr int64_t kEndFri = 16 * kHour + 30 * kMin;

class Rng {
 public:
  explicit Rng(uint64_t seed) : mt_(seed) {}
  // Modulo bias is below 1e-15 for these small ranges: irrelevant for a workload.
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(mt_() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool PerMille(int64_t p) { return Between(0, 999) < p; }
  // Roughly normal with standard deviation `sd` seconds: Irwin–Hall, twelve 20-bit uniforms
  // minus their mean. Bounded at ±6 sd, which keeps every time inside its day.
  int64_t Normal(int64_t sd) {
    int64_t sum = 0;
    for (int i = 0; i < 12; ++i) sum += static_cast<int64_t>(mt_() >> 44);
    sum -= 6 * (int64_t{1} << 20);
    return sum * sd / (int64_t{1} << 20);
  }

 private:
  std::mt19937_64 mt_;
};

struct DayPunch {
  int64_t time;  // seconds since 00:00 of the day
  uint32_t user;
  uint32_t seq;  // order within the person-day, a tie-breaker for identical times
  uint32_t status;
  uint32_t verify;
};

uint32_t Verify(Rng& rng) {
  int64_t r = rng.Between(0, 99);
  return r < 90 ? 1 : r < 97 ? 15 : 0;
}

// Appends one person's punches for one working day. Clamps keep the phases apart (arrival
// before 11:01 < break 11:30–13:30 < departure after 14:00), so each person-day is strictly
// increasing in time and a recap of first/last punch sees arrival and departure.
void PersonDay(Rng& rng, uint32_t user, int64_t end_of_day, std::vector<DayPunch>* out) {
  if (rng.PerMille(30)) return;  // absent
  int64_t arrive = 7 * kHour + 20 * kMin + rng.Normal(15 * kMin);
  if (rng.PerMille(60)) arrive += rng.Between(10 * kMin, 75 * kMin);  // stuck in traffic
  arrive = std::clamp(arrive, 5 * kHour, 11 * kHour);
  int64_t leave = end_of_day + 10 * kMin + rng.Normal(12 * kMin);
  if (rng.PerMille(50)) leave -= rng.Between(20 * kMin, 90 * kMin);  // leaves early
  leave = std::clamp(leave, 14 * kHour, 21 * kHour);

  uint32_t seq = 0;
  auto add = [&](int64_t t, uint32_t status) {
    out->push_back({t, user, seq++, status, Verify(rng)});
  };
  add(arrive, 0);
  // A second scan seconds later: people who were unsure the first one registered.
  if (rng.PerMille(80)) add(arrive + rng.Between(3, 45), 0);
  if (rng.PerMille(350)) {
    int64_t out_at = rng.Between(11 * kHour + 30 * kMin, 12 * kHour + 30 * kMin);
    add(out_at, 2);
    add(out_at + rng.Between(20 * kMin, 60 * kMin), 3);
  }
  add(leave, 1);
  if (rng.PerMille(80)) add(leave + rng.Between(3, 45), 1);
}

Status Validate(const WorkloadOptions& o) {
  if (o.users < 1 || o.users > kMaxUsers) return Status::Invalid("users must be 1..1000000");
  if (o.days < 1 || o.days > kMaxDays) return Status::Invalid("days must be 1..3660");
  if (o.first_pin > UINT64_MAX - o.users) return Status::Invalid("first PIN too large");
  if (o.start_day < 0 || o.start_day % kDay != 0) {
    return Status::Invalid("start_day must be a day's 00:00:00 in civil seconds");
  }
  // A drift of more than a year is a typo, not a terminal clock.
  if (o.clock_drift_s < -366 * kDay || o.clock_drift_s > 366 * kDay) {
    return Status::Invalid("clock drift beyond one year");
  }
  return Status::Ok();
}

}  // namespace

int CivilWeekday(int64_t civil_seconds) {
  int64_t days = civil_seconds >= 0 ? civil_seconds / kDay : (civil_seconds - kDay + 1) / kDay;
  return static_cast<int>(((days % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
}

Status GenerateWorkload(const WorkloadOptions& opts, const PunchSink& sink) {
  if (Status s = Validate(opts); !s.ok()) return s;
  Rng rng(opts.seed);
  std::vector<DayPunch> day;
  for (uint32_t d = 0; d < opts.days; ++d) {
    int64_t day0 = opts.start_day + static_cast<int64_t>(d) * kDay;
    int weekday = CivilWeekday(day0);
    if (weekday == 0 || weekday == 6) continue;
    day.clear();
    for (uint32_t u = 0; u < opts.users; ++u) {
      PersonDay(rng, u, weekday == 5 ? kEndFri : kEndMonThu, &day);
    }
    // A total order, so the result does not depend on the sort algorithm.
    std::sort(day.begin(), day.end(), [](const DayPunch& a, const DayPunch& b) {
      if (a.time != b.time) return a.time < b.time;
      return a.user != b.user ? a.user < b.user : a.seq < b.seq;
    });
    Punch p;
    p.device_id = opts.device_id;
    for (const DayPunch& dp : day) {
      p.pin = std::to_string(opts.first_pin + dp.user);
      p.time = day0 + dp.time + opts.clock_drift_s;
      p.status = dp.status;
      p.verify = dp.verify;
      if (Status s = sink(p); !s.ok()) return s;
    }
  }
  return Status::Ok();
}

}  // namespace titip::tools
