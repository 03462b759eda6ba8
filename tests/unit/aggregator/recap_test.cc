// Recap rules, table-driven: every tier boundary, missing in/out, a single punch, Friday and
// Ramadan hours, holidays, a night shift across midnight, unknown PINs and terminals, the
// 3-day upload deadline, and the monthly summary.
#include <gtest/gtest.h>

#include "schedule_test.h"
#include "titip/aggregator/recap.h"

namespace titip::aggregator {
namespace {

using testing::At;
using testing::Day;

constexpr char kRoster[] =
    "unit_id,terminal_serial,pin,nip,name\n"
    "setda,T-SETDA,1,198503152010011002,Budi\n"
    "setda,T-SETDA,2,199001012015032001,Siti\n"
    "rsud,T-RSUD,5,198807072012122001,Rina\n"
    "kec-kumpeh,T-KUMPEH,9,197912312005011003,Joko\n";

class Recap : public ::testing::Test {
 protected:
  Recap() {
    auto r = ParseRoster(kRoster, "roster.csv");
    auto s = ParseSchedule(testing::kScheduleToml, "schedule.toml");
    EXPECT_TRUE(r.ok() && s.ok());
    roster_ = std::move(r).value();
    schedule_ = std::move(s).value();
  }
  void Punch(const char* terminal, const char* pin, const char* when, int64_t arrived_ms = 0) {
    punches_.push_back({terminal, pin, "setda", At(when), arrived_ms, 420});
  }
  // The row of (unit, pin) on `day`; fails the test when absent.
  RecapRow RowOf(const char* day, const char* unit, const char* pin) {
    for (auto& r : DailyRecap(Day(day), unit, punches_, roster_, schedule_)) {
      if (r.pin == pin) return r;
    }
    ADD_FAILURE() << "no row for pin " << pin;
    return {};
  }
  Roster roster_;
  Schedule schedule_;
  std::vector<RecapPunch> punches_;
};

struct InCase {
  const char* masuk;  // on Monday 2026-04-06 (07:30-16:00), out at 16:00:00
  int minutes;
  int tier;
};

class RecapLate : public Recap, public ::testing::WithParamInterface<InCase> {};

TEST_P(RecapLate, TierBoundaries) {
  Punch("T-SETDA", "1", (std::string("2026-04-06 ") + GetParam().masuk).c_str());
  Punch("T-SETDA", "1", "2026-04-06 16:00:00");
  RecapRow r = RowOf("2026-04-06", "setda", "1");
  EXPECT_EQ(r.status, DayStatus::kHadir);
  EXPECT_EQ(r.telat_menit, GetParam().minutes);
  EXPECT_EQ(r.kode_tl, GetParam().tier);
  EXPECT_EQ(r.kode_psw, 0);
  EXPECT_EQ(r.jumlah_scan, 2);
}

INSTANTIATE_TEST_SUITE_P(Boundaries, RecapLate,
                         ::testing::Values(InCase{"06:55:00", 0, 0}, InCase{"07:30:00", 0, 0},
                                           InCase{"07:30:59", 0, 0}, InCase{"07:31:00", 1, 1},
                                           InCase{"08:00:00", 30, 1}, InCase{"08:00:59", 30, 1},
                                           InCase{"08:01:00", 31, 2}, InCase{"08:30:00", 60, 2},
                                           InCase{"08:31:00", 61, 3}, InCase{"09:00:00", 90, 3},
                                           InCase{"09:01:00", 91, 4}, InCase{"11:00:00", 210, 4}));

struct OutCase {
  const char* day;  // in at 07:00:00
  const char* pulang;
  int minutes;
  int tier;
};

class RecapEarly : public Recap, public ::testing::WithParamInterface<OutCase> {};

TEST_P(RecapEarly, TierBoundariesFridayAndRamadan) {
  Punch("T-SETDA", "2", (std::string(GetParam().day) + " 07:00:00").c_str());
  Punch("T-SETDA", "2", (std::string(GetParam().day) + " " + GetParam().pulang).c_str());
  RecapRow r = RowOf(GetParam().day, "setda", "2");
  EXPECT_EQ(r.psw_menit, GetParam().minutes);
  EXPECT_EQ(r.kode_psw, GetParam().tier);
}

INSTANTIATE_TEST_SUITE_P(
    Boundaries, RecapEarly,
    ::testing::Values(
        OutCase{"2026-04-06", "16:00:00", 0, 0},  // Monday, ends 16:00
        OutCase{"2026-04-06", "15:59:01", 0, 0}, OutCase{"2026-04-06", "15:59:00", 1, 1},
        OutCase{"2026-04-06", "15:30:00", 30, 1}, OutCase{"2026-04-06", "15:29:00", 31, 2},
        OutCase{"2026-04-06", "14:30:00", 90, 3}, OutCase{"2026-04-06", "14:29:00", 91, 4},
        OutCase{"2026-04-10", "16:00:00", 30, 1},  // Friday, ends 16:30
        OutCase{"2026-04-10", "16:30:00", 0, 0},
        OutCase{"2026-03-02", "15:00:00", 0, 0},  // Ramadan Monday, ends 15:00
        OutCase{"2026-03-02", "14:59:00", 1, 1},
        OutCase{"2026-03-06", "15:00:00", 30, 1}));  // Ramadan Friday, ends 15:30

TEST_F(Recap, RamadanStartsAtEight) {
  Punch("T-SETDA", "1", "2026-03-02 08:00:59");
  Punch("T-SETDA", "1", "2026-03-02 15:00:00");
  Punch("T-SETDA", "2", "2026-03-02 08:01:00");
  Punch("T-SETDA", "2", "2026-03-02 15:00:00");
  EXPECT_EQ(RowOf("2026-03-02", "setda", "1").kode_tl, 0);
  EXPECT_EQ(RowOf("2026-03-02", "setda", "2").kode_tl, 1);
}

TEST_F(Recap, FirstAndLastOfManyScans) {
  for (const char* t : {"07:10:00", "07:12:00", "12:00:00", "16:05:00", "16:07:00"}) {
    Punch("T-SETDA", "1", (std::string("2026-04-06 ") + t).c_str());
  }
  RecapRow r = RowOf("2026-04-06", "setda", "1");
  EXPECT_EQ(*r.masuk, At("2026-04-06 07:10:00"));
  EXPECT_EQ(*r.pulang, At("2026-04-06 16:07:00"));
  EXPECT_EQ(r.jumlah_scan, 5);
  EXPECT_EQ(r.nip, "198503152010011002");
  EXPECT_EQ(r.name, "Budi");
  EXPECT_EQ(r.flag, Flag::kNone);
}

TEST_F(Recap, SinglePunchMorningIsMissingOut) {
  Punch("T-SETDA", "1", "2026-04-06 07:45:00");
  RecapRow r = RowOf("2026-04-06", "setda", "1");
  EXPECT_EQ(r.status, DayStatus::kHadir);
  EXPECT_EQ(*r.masuk, At("2026-04-06 07:45:00"));
  EXPECT_FALSE(r.pulang.has_value());
  EXPECT_EQ(r.kode_tl, 1);
  EXPECT_EQ(r.telat_menit, 15);
  EXPECT_EQ(r.kode_psw, 4);  // no out-punch
  EXPECT_EQ(r.psw_menit, 0);
}

TEST_F(Recap, SinglePunchAfternoonIsMissingIn) {
  Punch("T-SETDA", "1", "2026-04-06 16:10:00");
  RecapRow r = RowOf("2026-04-06", "setda", "1");
  EXPECT_FALSE(r.masuk.has_value());
  EXPECT_EQ(*r.pulang, At("2026-04-06 16:10:00"));
  EXPECT_EQ(r.kode_tl, 4);  // no in-punch
  EXPECT_EQ(r.kode_psw, 0);
  EXPECT_EQ(r.jumlah_scan, 1);
}

TEST_F(Recap, NoPunchOnAWorkingDayIsTk) {
  Punch("T-SETDA", "1", "2026-04-06 07:00:00");
  RecapRow r = RowOf("2026-04-06", "setda", "2");
  EXPECT_EQ(r.status, DayStatus::kTanpaKeterangan);
  EXPECT_EQ(r.jumlah_scan, 0);
  EXPECT_FALSE(r.masuk || r.pulang);
}

TEST_F(Recap, HolidaysAndWeekendsAreLibur) {
  Punch("T-SETDA", "1", "2026-01-01 09:00:00");
  Punch("T-SETDA", "1", "2026-01-01 11:00:00");
  RecapRow worked = RowOf("2026-01-01", "setda", "1");
  EXPECT_EQ(worked.status, DayStatus::kLibur);
  EXPECT_EQ(worked.kode_tl, 0);  // no tiers on a day off
  EXPECT_EQ(worked.jumlah_scan, 2);
  EXPECT_EQ(RowOf("2026-01-01", "setda", "2").status, DayStatus::kLibur);
  EXPECT_EQ(RowOf("2026-04-11", "setda", "2").status, DayStatus::kLibur);  // Saturday
  EXPECT_EQ(RowOf("2026-04-11", "kec-kumpeh", "9").status, DayStatus::kTanpaKeterangan);  // 6-day
}

TEST_F(Recap, NightShiftAcrossMidnightBelongsToItsFirstDay) {
  Punch("T-RSUD", "5", "2026-04-05 21:00:00");  // Sunday night shift in
  Punch("T-RSUD", "5", "2026-04-06 06:58:00");  // ...and out on Monday
  Punch("T-RSUD", "5", "2026-04-06 21:10:00");  // Monday night shift in: 10 min late
  Punch("T-RSUD", "5", "2026-04-07 06:50:00");  // ...and out on Tuesday: 10 min early
  Punch("T-RSUD", "5", "2026-04-07 21:00:00");  // Tuesday night in
  RecapRow mon = RowOf("2026-04-06", "rsud", "5");
  EXPECT_EQ(mon.status, DayStatus::kHadir);
  ASSERT_TRUE(mon.shift.has_value());
  EXPECT_EQ(mon.shift->start_s, 21 * 3600);
  EXPECT_EQ(*mon.masuk, At("2026-04-06 21:10:00"));
  EXPECT_EQ(*mon.pulang, At("2026-04-07 06:50:00"));
  EXPECT_EQ(mon.telat_menit, 10);
  EXPECT_EQ(mon.psw_menit, 10);
  EXPECT_EQ(mon.jumlah_scan, 2);
  RecapRow tue = RowOf("2026-04-07", "rsud", "5");
  EXPECT_EQ(*tue.masuk, At("2026-04-07 21:00:00"));
  EXPECT_FALSE(tue.pulang.has_value());  // Wednesday's out not in yet
  EXPECT_EQ(tue.kode_psw, 4);
  EXPECT_EQ(RowOf("2026-04-09", "rsud", "5").status, DayStatus::kLibur);  // no shift, not TK
}

TEST_F(Recap, MorningShiftOnAShiftUnit) {
  Punch("T-RSUD", "5", "2026-04-06 07:31:00");
  Punch("T-RSUD", "5", "2026-04-06 14:02:00");
  RecapRow r = RowOf("2026-04-06", "rsud", "5");
  EXPECT_EQ(r.shift->start_s, 7 * 3600);
  EXPECT_EQ(r.kode_tl, 2);  // 31 min against 07:00
  EXPECT_EQ(r.kode_psw, 0);
}

TEST_F(Recap, UnknownPinAndTerminalAreFlagged) {
  Punch("T-SETDA", "77", "2026-04-06 07:00:00");
  punches_.push_back({"T-NEW", "3", "dinkes", At("2026-04-06 07:05:00"), 0, 420});
  auto setda = DailyRecap(Day("2026-04-06"), "setda", punches_, roster_, schedule_);
  ASSERT_EQ(setda.size(), 3u);  // Budi, Siti, then the unknown PIN
  EXPECT_EQ(setda[2].pin, "77");
  EXPECT_EQ(setda[2].flag, Flag::kUnknownPin);
  EXPECT_EQ(setda[2].status, DayStatus::kHadir);
  auto dinkes = DailyRecap(Day("2026-04-06"), "dinkes", punches_, roster_, schedule_);
  ASSERT_EQ(dinkes.size(), 1u);
  EXPECT_EQ(dinkes[0].flag, Flag::kUnknownTerminal);
  EXPECT_EQ(dinkes[0].unit, "dinkes");  // the gateway's unit
  // Not on a day they did not punch.
  EXPECT_EQ(DailyRecap(Day("2026-04-07"), "dinkes", punches_, roster_, schedule_).size(), 0u);
}

TEST_F(Recap, AllUnitsSortedByUnit) {
  auto rows = DailyRecap(Day("2026-04-06"), "", punches_, roster_, schedule_);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].unit, "kec-kumpeh");
  EXPECT_EQ(rows[1].unit, "rsud");
  EXPECT_EQ(rows[2].name, "Budi");
  EXPECT_EQ(rows[3].name, "Siti");
}

TEST_F(Recap, LateUploadAfterThreeDays) {
  // Monday 2026-04-06 WIB; the deadline is Thursday 2026-04-09 00:00 WIB = Apr 8 17:00 UTC.
  const int64_t deadline_ms = (At("2026-04-09 00:00:00") - 7 * 3600) * 1000;
  Punch("T-SETDA", "1", "2026-04-06 07:00:00", deadline_ms - 1000);
  Punch("T-SETDA", "1", "2026-04-06 16:00:00", deadline_ms - 1000);
  Punch("T-SETDA", "2", "2026-04-06 07:00:00", deadline_ms - 1000);
  Punch("T-SETDA", "2", "2026-04-06 16:00:00", deadline_ms);
  EXPECT_FALSE(RowOf("2026-04-06", "setda", "1").terlambat_kirim);
  EXPECT_TRUE(RowOf("2026-04-06", "setda", "2").terlambat_kirim);
}

TEST_F(Recap, MonthlySummary) {
  // April 2026 for Budi: 22 working days (Apr 3 Good Friday is no holiday in this file).
  Punch("T-SETDA", "1", "2026-04-06 07:31:00");  // TL1
  Punch("T-SETDA", "1", "2026-04-06 16:00:00");
  Punch("T-SETDA", "1", "2026-04-07 09:01:00");  // TL4, PSW2
  Punch("T-SETDA", "1", "2026-04-07 15:20:00");
  Punch("T-SETDA", "1", "2026-04-08 07:00:00");  // PSW4 (no out)
  Punch("T-SETDA", "1", "2026-04-11 08:00:00");  // Saturday: not counted
  auto rows =
      MonthlyRecap(Day("2026-04-01"), Day("2026-04-30"), "setda", punches_, roster_, schedule_);
  ASSERT_EQ(rows.size(), 2u);
  const MonthRow& budi = rows[0];
  EXPECT_EQ(budi.name, "Budi");
  EXPECT_EQ(budi.hari_kerja, 22);
  EXPECT_EQ(budi.hadir, 3);
  EXPECT_EQ(budi.tk, 19);
  EXPECT_EQ(budi.tl[1], 1);
  EXPECT_EQ(budi.tl[4], 1);
  EXPECT_EQ(budi.tl[0], 1);
  EXPECT_EQ(budi.psw[2], 1);
  EXPECT_EQ(budi.psw[4], 1);
  EXPECT_EQ(rows[1].hadir, 0);
  EXPECT_EQ(rows[1].tk, 22);
}

}  // namespace
}  // namespace titip::aggregator
