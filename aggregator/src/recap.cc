// Daily and monthly recap rules; see recap.h for the rules themselves.
#include "titip/aggregator/recap.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <tuple>

namespace titip::aggregator {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kShiftMatchWindow = 4 * 3600;  // first punch to the nearest shift start
constexpr int64_t kShiftOutGrace = 3 * 3600;     // punches this long after a shift's end
constexpr int64_t kUploadDeadline = 3 * kDay;

struct Person {
  std::string unit, terminal, pin, nip, name;
  Flag flag = Flag::kNone;
  std::vector<const RecapPunch*> punches;
};

Person MakePerson(std::string unit, std::string terminal, std::string pin, std::string nip,
                  std::string name) {
  Person p;
  p.unit = std::move(unit);
  p.terminal = std::move(terminal);
  p.pin = std::move(pin);
  p.nip = std::move(nip);
  p.name = std::move(name);
  return p;
}

// Key orders known people (by name, NIP) before unknowns (by terminal, PIN) within a unit.
using PersonKey = std::tuple<std::string, int, std::string, std::string>;

std::map<PersonKey, Person> Gather(std::string_view unit, const std::vector<RecapPunch>& punches,
                                   const Roster& roster) {
  std::map<PersonKey, Person> out;
  for (const auto& e : roster.entries()) {
    if (!unit.empty() && e.unit_id != unit) continue;
    PersonKey k{e.unit_id, 0, e.name, e.nip};
    if (!out.count(k)) out[k] = MakePerson(e.unit_id, e.terminal_serial, e.pin, e.nip, e.name);
  }
  for (const auto& p : punches) {
    if (const RosterEntry* e = roster.Find(p.terminal, p.pin)) {
      if (!unit.empty() && e->unit_id != unit) continue;
      out[PersonKey{e->unit_id, 0, e->name, e->nip}].punches.push_back(&p);
      continue;
    }
    auto tu = roster.UnitOfTerminal(p.terminal);
    std::string u = tu ? *tu : p.unit;
    if (!unit.empty() && u != unit) continue;
    PersonKey k{u, 1, p.terminal, p.pin};
    Person& person = out[k];
    if (person.punches.empty()) {
      person = MakePerson(u, p.terminal, p.pin, "", "");
      person.flag = tu ? Flag::kUnknownPin : Flag::kUnknownTerminal;
    }
    person.punches.push_back(&p);
  }
  for (auto& [k, person] : out) {
    std::sort(
        person.punches.begin(), person.punches.end(),
        [](const RecapPunch* a, const RecapPunch* b) { return a->device_time < b->device_time; });
  }
  return out;
}

struct Span {
  int64_t start = 0, end = 0;  // civil seconds of the expected in and out
  std::vector<const RecapPunch*> punches;
  std::optional<Hours> shift;
};

// Cuts a person's sorted punches into shifts (see recap.h) and returns those starting on `day`.
// Cutting starts two days back so that the night shift before `day` has taken its out-punch.
std::vector<Span> ShiftsOn(int64_t day, std::string_view unit,
                           const std::vector<const RecapPunch*>& ps, const Schedule& schedule) {
  std::vector<Span> out;
  size_t i = 0;
  while (i < ps.size() && ps[i]->device_time < day - 2 * kDay) ++i;
  while (i < ps.size() && ps[i]->device_time < day + 2 * kDay) {
    int64_t t = ps[i]->device_time;
    std::optional<Span> best;
    for (int64_t d = DayStart(t) - kDay; d <= DayStart(t) + kDay; d += kDay) {
      DayPlan plan = schedule.PlanFor(unit, d);
      for (const Hours& h : plan.shifts) {
        int64_t start = d + h.start_s;
        if (std::llabs(t - start) > kShiftMatchWindow) continue;
        if (!best || std::llabs(t - start) < std::llabs(t - best->start)) {
          best = Span{start, d + h.end_s, {}, h};
        }
      }
    }
    // No shift near: the punch stands alone (an odd extra scan), attributed to its own day.
    Span s = best ? *best : Span{t, t, {}, std::nullopt};
    int64_t until = best ? s.end + kShiftOutGrace : t;
    while (i < ps.size() && ps[i]->device_time <= until) s.punches.push_back(ps[i++]);
    int64_t owner = best ? DayStart(s.start) : DayStart(t);
    if (owner == day) out.push_back(std::move(s));
  }
  return out;
}

bool LateUpload(const RecapPunch& p) {
  if (p.arrived_ms <= 0) return false;
  int64_t arrived_civil = p.arrived_ms / 1000 + p.utc_offset_min * 60LL;
  return arrived_civil >= DayStart(p.device_time) + kUploadDeadline;
}

// Fills times, minutes and tiers for expected hours [start, end] and the punches of that day.
void Score(int64_t start, int64_t end, const std::vector<const RecapPunch*>& ps, RecapRow* row) {
  if (ps.size() == 1) {
    int64_t t = ps[0]->device_time;
    if (t < start + (end - start) / 2) {
      row->masuk = t;
    } else {
      row->pulang = t;
    }
  } else {
    row->masuk = ps.front()->device_time;
    row->pulang = ps.back()->device_time;
  }
  if (row->masuk) {
    row->telat_menit = static_cast<int>(std::max<int64_t>(0, *row->masuk - start) / 60);
    row->kode_tl = Tier(row->telat_menit);
  } else {
    row->kode_tl = 4;
  }
  if (row->pulang) {
    row->psw_menit = static_cast<int>(std::max<int64_t>(0, end - *row->pulang) / 60);
    row->kode_psw = Tier(row->psw_menit);
  } else {
    row->kode_psw = 4;
  }
}

RecapRow RowFor(int64_t day, const Person& person, const Schedule& schedule) {
  RecapRow row;
  row.date = day;
  row.unit = person.unit;
  row.terminal = person.terminal;
  row.pin = person.pin;
  row.nip = person.nip;
  row.name = person.name;
  row.flag = person.flag;
  DayPlan plan = schedule.PlanFor(person.unit, day);
  row.profile = plan.profile;
  std::vector<const RecapPunch*> mine;
  if (plan.kind == DayPlan::Kind::kShift) {
    std::vector<Span> spans = ShiftsOn(day, person.unit, person.punches, schedule);
    for (const auto& s : spans) mine.insert(mine.end(), s.punches.begin(), s.punches.end());
    row.status = mine.empty() ? DayStatus::kLibur : DayStatus::kHadir;
    if (!mine.empty() && spans.front().shift) {
      row.shift = spans.front().shift;
      Score(spans.front().start, spans.back().end, mine, &row);
    } else if (!mine.empty()) {
      row.masuk = mine.front()->device_time;
      if (mine.size() > 1) row.pulang = mine.back()->device_time;
    }
  } else {
    for (const RecapPunch* p : person.punches) {
      if (p->device_time >= day && p->device_time < day + kDay) mine.push_back(p);
    }
    if (plan.kind != DayPlan::Kind::kWorking) {
      row.status = DayStatus::kLibur;
      if (!mine.empty()) row.masuk = mine.front()->device_time;
      if (mine.size() > 1) row.pulang = mine.back()->device_time;
    } else if (mine.empty()) {
      row.status = DayStatus::kTanpaKeterangan;
    } else {
      row.status = DayStatus::kHadir;
      Score(day + plan.hours.start_s, day + plan.hours.end_s, mine, &row);
    }
  }
  row.jumlah_scan = static_cast<int>(mine.size());
  for (const RecapPunch* p : mine) row.terlambat_kirim |= LateUpload(*p);
  return row;
}

}  // namespace

const char* DayStatusCode(DayStatus s) {
  switch (s) {
    case DayStatus::kHadir:
      return "H";
    case DayStatus::kTanpaKeterangan:
      return "TK";
    case DayStatus::kLibur:
      return "LIBUR";
  }
  return "?";
}

const char* FlagName(Flag f) {
  switch (f) {
    case Flag::kNone:
      return "";
    case Flag::kUnknownPin:
      return "unknown_pin";
    case Flag::kUnknownTerminal:
      return "unknown_terminal";
  }
  return "?";
}

int Tier(int minutes) {
  if (minutes <= 0) return 0;
  if (minutes <= 30) return 1;
  if (minutes <= 60) return 2;
  if (minutes <= 90) return 3;
  return 4;
}

std::vector<RecapRow> DailyRecap(int64_t day, std::string_view unit,
                                 const std::vector<RecapPunch>& punches, const Roster& roster,
                                 const Schedule& schedule) {
  std::vector<RecapRow> rows;
  for (const auto& [key, person] : Gather(unit, punches, roster)) {
    RecapRow row = RowFor(day, person, schedule);
    // An unknown PIN is only worth a row on a day it punched.
    if (person.flag != Flag::kNone && row.jumlah_scan == 0) continue;
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<MonthRow> MonthlyRecap(int64_t first_day, int64_t last_day, std::string_view unit,
                                   const std::vector<RecapPunch>& punches, const Roster& roster,
                                   const Schedule& schedule) {
  std::vector<MonthRow> out;
  for (const auto& [key, person] : Gather(unit, punches, roster)) {
    MonthRow m;
    m.unit = person.unit;
    m.terminal = person.terminal;
    m.pin = person.pin;
    m.nip = person.nip;
    m.name = person.name;
    m.flag = person.flag;
    bool any = false;
    for (int64_t day = first_day; day <= last_day; day += kDay) {
      RecapRow r = RowFor(day, person, schedule);
      DayPlan plan = schedule.PlanFor(person.unit, day);
      bool working = plan.kind == DayPlan::Kind::kWorking ||
                     (plan.kind == DayPlan::Kind::kShift && r.status == DayStatus::kHadir);
      any |= r.jumlah_scan > 0;
      m.terlambat_kirim += r.terlambat_kirim ? 1 : 0;
      if (!working) continue;
      ++m.hari_kerja;
      if (r.status == DayStatus::kTanpaKeterangan) {
        ++m.tk;
        continue;
      }
      ++m.hadir;
      ++m.tl[r.kode_tl];
      ++m.psw[r.kode_psw];
    }
    if (person.flag != Flag::kNone && !any) continue;
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace titip::aggregator
