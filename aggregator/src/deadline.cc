// Deadline evaluation; see deadline.h.
#include "titip/aggregator/deadline.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "titip/common/civil_time.h"

namespace titip::aggregator {
namespace {

constexpr int64_t kDay = 86400;

std::string Local(int64_t civil, int offset_min) {
  char off[24];
  int a = offset_min < 0 ? -offset_min : offset_min;
  std::snprintf(off, sizeof off, "%c%02d:%02d", offset_min < 0 ? '-' : '+', a / 60, a % 60);
  return FormatCivil(civil) + off;
}

// Why the unit's day is not complete yet, from its gateways' reports.
std::string Reasons(const std::vector<const GatewayReport*>& gws, int64_t now_ms,
                    const DeadlineOptions& o) {
  if (gws.empty()) return "no data at all: no gateway of this unit has reported";
  std::string out;
  auto add = [&](const std::string& r) { out += (out.empty() ? "" : "; ") + r; };
  for (const GatewayReport* g : gws) {
    if (now_ms - g->last_seen_ms > o.silent_after_ms) {
      add("node " + g->node + " silent since " +
          Local(g->last_seen_ms / 1000 + o.utc_offset_min * 60LL, o.utc_offset_min));
    }
    if (g->undelivered > 0) {
      add(std::to_string(g->undelivered) + " punches still queued at gateway " + g->node +
          (g->queued > 0 ? " (" + std::to_string(g->queued) + " not yet sent)" : ""));
    }
    if (g->complete_through == 0) {
      add("gateway " + g->node + " reports no complete-through (a terminal not reached yet)");
    } else {
      add("gateway " + g->node + " complete through " +
          Local(g->complete_through, o.utc_offset_min));
    }
  }
  return out;
}

}  // namespace

const char* DeadlineStatusName(DeadlineStatus s) {
  switch (s) {
    case DeadlineStatus::kOk:
      return "ok";
    case DeadlineStatus::kPending:
      return "pending";
    case DeadlineStatus::kWarn:
      return "warn";
    case DeadlineStatus::kLate:
      return "late";
  }
  return "?";
}

std::vector<DeadlineRow> EvaluateDeadlines(const std::vector<std::string>& units,
                                           const std::vector<GatewayReport>& gateways,
                                           int64_t first_day, int64_t last_day, int64_t now_ms,
                                           const DeadlineOptions& o) {
  std::map<std::string, std::vector<const GatewayReport*>> by_unit;
  for (const auto& u : units) by_unit[u];
  for (const auto& g : gateways) {
    if (!g.unit.empty()) by_unit[g.unit].push_back(&g);
  }
  const int64_t now = now_ms / 1000 + o.utc_offset_min * 60LL;  // local civil seconds
  std::vector<DeadlineRow> rows;
  for (const auto& [unit, gws] : by_unit) {
    int64_t ct = 0;
    std::vector<std::string> nodes;
    for (const GatewayReport* g : gws) {
      ct = nodes.empty() ? g->complete_through : std::min(ct, g->complete_through);
      nodes.push_back(g->node);
    }
    for (int64_t day = first_day; day <= last_day; day += kDay) {
      DeadlineRow r;
      r.unit = unit;
      r.date = day;
      r.complete_through = ct;
      r.nodes = nodes;
      if (!gws.empty() && ct >= day + kDay) {
        r.status = DeadlineStatus::kOk;
        r.reason = "complete through " + Local(ct, o.utc_offset_min);
      } else {
        if (now >= day + 3 * kDay) {
          r.status = DeadlineStatus::kLate;
        } else if (now >= day + 2 * kDay + 12 * 3600) {
          r.status = DeadlineStatus::kWarn;
        }
        r.reason = Reasons(gws, now_ms, o);
      }
      rows.push_back(std::move(r));
    }
  }
  return rows;
}

std::vector<DeadlineRow> EvaluateRecentDeadlines(const std::vector<std::string>& units,
                                                 const std::vector<GatewayReport>& gateways,
                                                 int64_t now_ms, const DeadlineOptions& o) {
  const int64_t today = (now_ms / 1000 + o.utc_offset_min * 60LL) / 86400 * 86400;
  return EvaluateDeadlines(units, gateways, today - (kDeadlineWindowDays - 1) * 86400LL, today,
                           now_ms, o);
}

}  // namespace titip::aggregator
