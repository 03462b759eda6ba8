// The daily recap (SPEC §7, §9 `recap`): per person and day, first punch = jam masuk, last =
// jam pulang, late minutes and tier TL1-TL4, early-leave minutes and tier PSW1-PSW4, TK for no
// punch on a working day, the number of scans, and whether a punch reached Sengeti after the
// 3-day upload deadline. A pure function of punches + roster + schedule, so every rule is a
// table-driven unit test; titipctl feeds it from the store.
//
// Rules where SPEC §7 is silent (also in the README):
//  - Minutes are whole minutes, rounded down: 07:30:59 is on time, 07:31:00 is 1 minute late;
//    leaving 15:59:01 for 16:00 is not early, 15:59:00 is 1 minute early (PSW1).
//  - Tiers as BKN: 1-30 TL1/PSW1, 31-60 TL2/PSW2, 61-90 TL3/PSW3, >90 TL4/PSW4. No in-punch =
//    TL4, no out-punch = PSW4 (minutes then 0).
//  - A single punch is the in-punch when it lies before the middle of the working hours (or
//    the shift), else the out-punch.
//  - Shift units: a person's punches are cut into shifts; a shift starts at the defined shift
//    whose start is nearest the first punch (within 4 h) and takes every later punch up to 3 h
//    after that shift's end, across midnight. It belongs to the day it started. A shift unit
//    without a punch that day is LIBUR (rotation days off are not in the roster), never TK.
//  - Punches on a day off or holiday: status LIBUR with the times, no tiers.
//  - Late upload ("terlambat kirim"): a punch of day X stored at the sink at or after X+3 00:00
//    local time (the deadline monitor's `late`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "titip/aggregator/roster.h"
#include "titip/aggregator/schedule.h"

namespace titip::aggregator {

struct RecapPunch {
  std::string terminal;
  std::string pin;
  std::string unit;         // unit of the gateway that took it (wire::Punch::unit)
  int64_t device_time = 0;  // civil seconds, terminal local time
  int64_t arrived_ms = 0;   // when the sink stored it, Unix ms UTC; 0 = unknown
  int utc_offset_min = 420;
};

enum class DayStatus { kHadir, kTanpaKeterangan, kLibur };  // H, TK, LIBUR
const char* DayStatusCode(DayStatus s);

enum class Flag { kNone, kUnknownPin, kUnknownTerminal };
const char* FlagName(Flag f);  // "", "unknown_pin", "unknown_terminal"

struct RecapRow {
  int64_t date = 0;                            // civil seconds of the day's 00:00
  std::string unit, terminal, pin, nip, name;  // nip/name empty when unknown
  Flag flag = Flag::kNone;
  std::optional<int64_t> masuk, pulang;  // civil seconds (pulang may be the next day)
  int telat_menit = 0, kode_tl = 0;      // kode 0 = none, 1..4 = TL1..TL4
  int psw_menit = 0, kode_psw = 0;
  DayStatus status = DayStatus::kTanpaKeterangan;
  int jumlah_scan = 0;
  bool terlambat_kirim = false;
  std::string profile;         // schedule profile that applied
  std::optional<Hours> shift;  // shift units: the shift matched
};

// Minutes -> tier 0..4 (SPEC §7).
int Tier(int minutes);

// Every roster person of `unit` (all units when empty) on `day` (civil 00:00), plus every
// unknown PIN or terminal that punched that day. `punches` may hold other days and units (give
// at least day-2 .. day+1 for shift units); order does not matter. Rows are sorted by unit,
// then known people by name and NIP, then unknowns by terminal and PIN.
std::vector<RecapRow> DailyRecap(int64_t day, std::string_view unit,
                                 const std::vector<RecapPunch>& punches, const Roster& roster,
                                 const Schedule& schedule);

struct MonthRow {
  std::string unit, terminal, pin, nip, name;
  Flag flag = Flag::kNone;
  int hari_kerja = 0;           // working days (shift units: days with a shift)
  int hadir = 0;                // working days with status H
  int tl[5] = {}, psw[5] = {};  // index 1..4 used
  int tk = 0;
  int terlambat_kirim = 0;  // days with a late upload
};

// Per person over [first_day, last_day] (civil 00:00 each, inclusive).
std::vector<MonthRow> MonthlyRecap(int64_t first_day, int64_t last_day, std::string_view unit,
                                   const std::vector<RecapPunch>& punches, const Roster& roster,
                                   const Schedule& schedule);

}  // namespace titip::aggregator
