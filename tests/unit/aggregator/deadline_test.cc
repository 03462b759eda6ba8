// The deadline monitor on virtual time: a gateway offline from Monday 10:00 makes Monday `warn`
// on Wednesday 12:00 and `late` on Thursday 00:00, and `ok` as soon as its complete-through
// passes the end of Monday; units that never reported say so.
#include <gtest/gtest.h>

#include "schedule_test.h"
#include "titip/aggregator/deadline.h"
#include "titip/common/clock.h"

namespace titip::aggregator {
namespace {

using testing::At;
using testing::Day;
using namespace std::chrono_literals;

constexpr int64_t kWib = 7 * 3600;

// Unix ms of a WIB civil time.
WallTime Wib(const char* when) { return WallTime((At(when) - kWib) * 1000); }

class Deadline : public ::testing::Test {
 protected:
  // The gateway sends telemetry: everything up to now delivered, or `undelivered` waiting.
  void Report(int64_t complete_through, uint64_t undelivered = 0) {
    gw_.last_seen_ms = clock_.Wall().count();
    gw_.complete_through = complete_through;
    gw_.undelivered = gw_.queued = undelivered;
  }
  int64_t LocalNow() const { return clock_.Wall().count() / 1000 + kWib; }
  DeadlineRow Monday() {
    auto rows = EvaluateDeadlines({"kec-kumpeh"}, {gw_}, Day("2026-04-06"), Day("2026-04-06"),
                                  clock_.Wall().count(), {});
    EXPECT_EQ(rows.size(), 1u);
    return rows.empty() ? DeadlineRow{} : rows[0];
  }
  void AdvanceTo(const char* when) { clock_.Advance(Wib(when) - clock_.Wall()); }

  ManualClock clock_{Wib("2026-04-06 00:00:00")};
  GatewayReport gw_{"gw-kumpeh", "kec-kumpeh", 0, 0, 0, 0};
};

TEST_F(Deadline, OfflineFromMondayTenIsWarnWednesdayNoonAndLateThursday) {
  while (clock_.Wall() < Wib("2026-04-06 10:00:00")) {  // online: a report every 10 s
    Report(LocalNow());
    clock_.Advance(10s);
  }
  Report(LocalNow());  // the last one, Monday 10:00; then the modem dies
  EXPECT_EQ(Monday().status, DeadlineStatus::kPending);
  AdvanceTo("2026-04-08 11:59:59");
  EXPECT_EQ(Monday().status, DeadlineStatus::kPending);
  AdvanceTo("2026-04-08 12:00:00");
  DeadlineRow warn = Monday();
  EXPECT_EQ(warn.status, DeadlineStatus::kWarn);
  EXPECT_NE(warn.reason.find("node gw-kumpeh silent since 2026-04-06T10:00:00+07:00"),
            std::string::npos)
      << warn.reason;
  AdvanceTo("2026-04-08 23:59:59");
  EXPECT_EQ(Monday().status, DeadlineStatus::kWarn);
  AdvanceTo("2026-04-09 00:00:00");
  EXPECT_EQ(Monday().status, DeadlineStatus::kLate);

  // Back on Thursday 08:00 with a backlog: still late, and the backlog is the reason.
  AdvanceTo("2026-04-09 08:00:00");
  Report(At("2026-04-06 09:59:59"), 523);
  DeadlineRow backlog = Monday();
  EXPECT_EQ(backlog.status, DeadlineStatus::kLate);
  EXPECT_NE(backlog.reason.find("523 punches still queued at gateway gw-kumpeh"), std::string::npos)
      << backlog.reason;
  EXPECT_EQ(backlog.reason.find("silent"), std::string::npos) << backlog.reason;
  // The receipt covers Monday's last second: ok at once, even past the deadline.
  clock_.Advance(10s);
  Report(At("2026-04-06 23:59:59"), 100);
  EXPECT_EQ(Monday().status, DeadlineStatus::kLate);  // 23:59:59 is not the end of Monday
  Report(At("2026-04-07 00:00:00"), 100);
  DeadlineRow ok = Monday();
  EXPECT_EQ(ok.status, DeadlineStatus::kOk);
  EXPECT_EQ(ok.reason, "complete through 2026-04-07T00:00:00+07:00");
}

TEST_F(Deadline, DaysAfterTheOutageFollowTheirOwnClock) {
  AdvanceTo("2026-04-06 10:00:00");
  Report(LocalNow());
  AdvanceTo("2026-04-09 12:00:00");
  auto rows =
      EvaluateDeadlines({}, {gw_}, Day("2026-04-05"), Day("2026-04-09"), clock_.Wall().count(), {});
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].status, DeadlineStatus::kOk);       // Sunday: complete
  EXPECT_EQ(rows[1].status, DeadlineStatus::kLate);     // Monday
  EXPECT_EQ(rows[2].status, DeadlineStatus::kWarn);     // Tuesday: Thursday noon
  EXPECT_EQ(rows[3].status, DeadlineStatus::kPending);  // Wednesday
  EXPECT_EQ(rows[4].status, DeadlineStatus::kPending);  // today
}

TEST(DeadlineUnits, NoDataAtAllAndTheSlowestGatewayDecides) {
  const int64_t now = Wib("2026-04-09 12:00:00").count();
  std::vector<GatewayReport> gws = {
      {"gw-a1", "setda", At("2026-04-09 23:00:00"), 0, 0, now},
      {"gw-a2", "setda", At("2026-04-07 08:00:00"), 0, 0, now},
      {"relay-1", "", 0, 0, 0, now},  // relays report no unit: not a unit of their own
  };
  auto rows =
      EvaluateDeadlines({"dinkes", "setda"}, gws, Day("2026-04-06"), Day("2026-04-07"), now, {});
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].unit, "dinkes");
  EXPECT_EQ(rows[0].status, DeadlineStatus::kLate);
  EXPECT_EQ(rows[0].reason, "no data at all: no gateway of this unit has reported");
  EXPECT_EQ(rows[1].status, DeadlineStatus::kWarn);  // dinkes, Tuesday
  EXPECT_EQ(rows[2].unit, "setda");
  EXPECT_EQ(rows[2].status, DeadlineStatus::kOk);    // Monday: both gateways past it
  EXPECT_EQ(rows[3].status, DeadlineStatus::kWarn);  // Tuesday: gw-a2 only through 08:00
  EXPECT_EQ(rows[3].complete_through, At("2026-04-07 08:00:00"));
  EXPECT_NE(rows[3].reason.find("gateway gw-a2 complete through 2026-04-07T08:00:00+07:00"),
            std::string::npos)
      << rows[3].reason;
  EXPECT_EQ(rows[3].nodes, (std::vector<std::string>{"gw-a1", "gw-a2"}));
}

// The daemon's window (gauges and board): the seven local days up to today, by the WIB day of
// `now` even while UTC is still on the day before.
TEST(DeadlineUnits, RecentWindowIsTheLastSevenLocalDays) {
  const int64_t now = Wib("2026-04-09 06:30:00").count();  // 2026-04-08 23:30 UTC
  auto rows = EvaluateRecentDeadlines({"setda"}, {}, now, {});
  ASSERT_EQ(rows.size(), static_cast<size_t>(kDeadlineWindowDays));
  EXPECT_EQ(rows.front().date, Day("2026-04-03"));
  EXPECT_EQ(rows.back().date, Day("2026-04-09"));
  auto same = EvaluateDeadlines({"setda"}, {}, Day("2026-04-03"), Day("2026-04-09"), now, {});
  ASSERT_EQ(same.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].status, same[i].status) << i;
}

}  // namespace
}  // namespace titip::aggregator
