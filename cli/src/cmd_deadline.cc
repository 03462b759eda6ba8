// `titipctl deadline` (SPEC §7, §9): per unit and day, ok / pending / warn / late against the
// 3-day upload rule, from every gateway's latest telemetry in the aggregator's store, with the
// reason. Units come from the roster (so a unit that never reported still shows, as "no data at
// all") and from the telemetry. Read-only; the clock is read once.
#include "cmd_deadline.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "context.h"
#include "in_force.h"
#include "titip/aggregator/deadline.h"
#include "titip/aggregator/roster.h"
#include "titip/common/civil_time.h"

namespace titip::cli {
namespace {

using aggregator::DeadlineRow;

std::vector<std::string> RosterUnits(const Context& ctx, const DeadlineArgs& a, int* rc) {
  std::string file = a.roster_file;
  auto in_force = FindTablesInForce(ctx);  // the running aggregator's roster, else the file
  if (file.empty() && in_force) file = in_force->roster;
  if (file.empty() && !in_force && ctx.config) file = ctx.config->roster_file;
  if (file.empty()) return {};
  auto r = aggregator::LoadRoster(file);
  if (!r.ok()) {
    std::cerr << "titipctl: " << r.status().ToString() << "\n";
    *rc = kConfig;
    return {};
  }
  return r->Units();
}

nlohmann::json RowJson(const DeadlineRow& r) {
  return {{"unit", r.unit},
          {"date", FormatCivil(r.date).substr(0, 10)},
          {"status", aggregator::DeadlineStatusName(r.status)},
          {"reason", r.reason},
          {"complete_through", r.complete_through ? nlohmann::json(FormatCivil(r.complete_through))
                                                  : nlohmann::json(nullptr)},
          {"nodes", r.nodes}};
}

}  // namespace

int CmdDeadline(Context& ctx, const DeadlineArgs& a) {
  const int64_t now_ms = SystemClock::Instance().Wall().count();
  aggregator::DeadlineOptions o;
  if (ctx.config) o.utc_offset_min = ctx.config->node.utc_offset_min;
  const int64_t today = (now_ms / 1000 + o.utc_offset_min * 60LL) / 86400 * 86400;
  int64_t first = today - (a.days - 1) * 86400LL, last = today;
  if (!a.date.empty()) {
    auto d = ParseCivilDate(a.date);
    if (!d) return std::cerr << "titipctl: bad --date (want YYYY-MM-DD)\n", kUsage;
    first = last = *d;
  } else if (a.days < 1 || a.days > 366) {
    return std::cerr << "titipctl: --days must be 1..366\n", kUsage;
  }
  int rc = kOk;
  std::vector<std::string> units = RosterUnits(ctx, a, &rc);
  if (rc != kOk) return rc;
  std::unique_ptr<storage::Store> store;
  if ((rc = ctx.OpenReadOnly(&store)) != kOk) return rc;
  std::vector<aggregator::GatewayReport> gws;
  Status s = store->ForEachTelemetry([&](const wire::Telemetry& t, int64_t received_at_ms) {
    gws.push_back(
        {t.node(), t.unit(), t.complete_through(), t.queued(), t.undelivered(), received_at_ms});
    return true;
  });
  if (!s.ok()) return std::cerr << "titipctl: " << s.ToString() << "\n", ExitFor(s);
  auto rows = aggregator::EvaluateDeadlines(units, gws, first, last, now_ms, o);
  for (const auto& r : rows) {
    if (ctx.json) {
      std::cout << RowJson(r).dump() << "\n";
    } else {
      std::cout << r.unit << "  " << FormatCivil(r.date).substr(0, 10) << "  "
                << aggregator::DeadlineStatusName(r.status) << "  " << r.reason << "\n";
    }
  }
  if (rows.empty() && !ctx.json) std::cout << "no unit known: no roster and no telemetry yet\n";
  return kOk;
}

}  // namespace titip::cli
