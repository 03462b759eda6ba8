// `titipctl recap` (SPEC §9): the daily recap per person (`--date D [--unit U]`) or the monthly
// summary (`--month YYYY-MM`), computed from the aggregator's store with the roster and the
// schedule named in its config (or --roster / --schedule). Read-only, in short read
// transactions: only the days needed, through the sink's day index (a scan on a store made
// before it, until the aggregator has opened it once).
#include "cmd_recap.h"

#include <iostream>

#include "context.h"
#include "in_force.h"
#include "titip/common/civil_time.h"

namespace titip::cli {
namespace {

using aggregator::RecapPunch;

// Roster (optional: without one every punch is flagged) and schedule (required).
int LoadTables(const Context& ctx, const RecapArgs& a, aggregator::Roster* roster,
               aggregator::Schedule* schedule) {
  std::string roster_file = a.roster_file, schedule_file = a.schedule_file;
  // While the aggregator runs, its tables in force (what it last accepted), else the files.
  auto in_force = FindTablesInForce(ctx);
  if (roster_file.empty()) roster_file = in_force ? in_force->roster : "";
  if (schedule_file.empty()) schedule_file = in_force ? in_force->schedule : "";
  if (ctx.config && roster_file.empty() && !in_force) roster_file = ctx.config->roster_file;
  if (ctx.config && schedule_file.empty() && !in_force) schedule_file = ctx.config->schedule_file;
  if (schedule_file.empty()) {
    std::cerr << "titipctl: recap needs a schedule: set [aggregator] schedule_file in the config"
                 " or give --schedule FILE\n";
    return kConfig;
  }
  auto s = aggregator::LoadSchedule(schedule_file);
  if (!s.ok()) return std::cerr << "titipctl: " << s.status().ToString() << "\n", kConfig;
  *schedule = std::move(s).value();
  if (roster_file.empty()) {
    std::cerr << "titipctl: no roster (set [aggregator] roster_file or --roster): every PIN is "
                 "flagged unknown\n";
    return kOk;
  }
  auto r = aggregator::LoadRoster(roster_file);
  if (!r.ok()) return std::cerr << "titipctl: " << r.status().ToString() << "\n", kConfig;
  *roster = std::move(r).value();
  return kOk;
}

// Every stored punch of the days [first_day, last_day], through the sink's day index. With
// --unit only that unit's terminals (by the roster) and terminals the roster does not know
// (their rows take the unit of the gateway that sent them) are read.
int ReadPunches(Context& ctx, int64_t first_day, int64_t last_day, const std::string& unit,
                const aggregator::Roster& roster, std::vector<RecapPunch>* out) {
  std::unique_ptr<storage::Store> store;
  if (int rc = ctx.OpenReadOnly(&store); rc != kOk) return rc;
  storage::Store::TerminalFilter keep;
  if (!unit.empty()) {
    keep = [&](std::string_view terminal) {
      auto u = roster.UnitOfTerminal(terminal);
      return !u || *u == unit;
    };
  }
  Status s = store->ForEachPunchOnDays(first_day, last_day, keep, [&](const wire::Punch& p) {
    out->push_back(
        {p.terminal(), p.pin(), p.unit(), p.device_time(), p.stored_at_ms(), p.utc_offset_min()});
    return true;
  });
  if (!s.ok()) return std::cerr << "titipctl: " << s.ToString() << "\n", ExitFor(s);
  return kOk;
}

// "YYYY-MM" -> first and last day (civil 00:00).
bool ParseMonth(const std::string& m, int64_t* first, int64_t* last) {
  auto d = ParseCivilDate(m + "-01");
  if (m.size() != 7 || !d) return false;
  *first = *d;
  int64_t next = *d + 28 * 86400;
  while (FormatCivil(next).substr(0, 7) == m) next += 86400;
  *last = next - 86400;
  return true;
}

}  // namespace

int CmdRecap(Context& ctx, const RecapArgs& a) {
  if (a.date.empty() == a.month.empty()) {
    std::cerr << "titipctl: recap needs exactly one of --date YYYY-MM-DD or --month YYYY-MM\n";
    return kUsage;
  }
  int64_t first = 0, last = 0;
  if (!a.date.empty()) {
    auto d = ParseCivilDate(a.date);
    if (!d) return std::cerr << "titipctl: bad --date (want YYYY-MM-DD)\n", kUsage;
    first = last = *d;
  } else if (!ParseMonth(a.month, &first, &last)) {
    return std::cerr << "titipctl: bad --month (want YYYY-MM)\n", kUsage;
  }
  aggregator::Roster roster;
  aggregator::Schedule schedule;
  if (int rc = LoadTables(ctx, a, &roster, &schedule); rc != kOk) return rc;
  std::vector<RecapPunch> punches;
  // Two days back and one ahead: night shifts that began earlier or end the next morning.
  if (int rc = ReadPunches(ctx, first - 2 * 86400, last + 86400, a.unit, roster, &punches);
      rc != kOk) {
    return rc;
  }
  const bool json = ctx.json && !a.csv;
  if (!a.date.empty()) {
    PrintDaily(aggregator::DailyRecap(first, a.unit, punches, roster, schedule), json, std::cout);
  } else {
    PrintMonthly(a.month, aggregator::MonthlyRecap(first, last, a.unit, punches, roster, schedule),
                 json, std::cout);
  }
  return kOk;
}

}  // namespace titip::cli
