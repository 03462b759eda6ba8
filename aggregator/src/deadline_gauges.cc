#include "titip/aggregator/deadline_gauges.h"

#include <map>

namespace titip::aggregator {
namespace {

int Severity(DeadlineStatus s) {
  switch (s) {
    case DeadlineStatus::kOk:
      return 0;
    case DeadlineStatus::kPending:
      return 1;
    case DeadlineStatus::kWarn:
      return 2;
    case DeadlineStatus::kLate:
      return 3;
  }
  return 3;
}

std::string Escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string RenderDeadlineGauges(const std::vector<DeadlineRow>& rows) {
  if (rows.empty()) return {};
  std::map<std::string, std::pair<int, int>> by_unit;  // worst severity, days late
  for (const auto& r : rows) {
    auto [it, fresh] = by_unit.try_emplace(r.unit, 0, 0);
    it->second.first = std::max(it->second.first, Severity(r.status));
    if (r.status == DeadlineStatus::kLate) ++it->second.second;
  }
  std::string out =
      "# HELP titip_unit_deadline_status Worst 3-day upload status of the unit's recent days: "
      "0 ok, 1 pending, 2 warn, 3 late.\n# TYPE titip_unit_deadline_status gauge\n";
  for (const auto& [unit, v] : by_unit) {
    out += "titip_unit_deadline_status{unit=\"" + Escape(unit) + "\"} " + std::to_string(v.first) +
           "\n";
  }
  out +=
      "# HELP titip_unit_days_late Recent days of the unit past the 3-day upload deadline "
      "without complete data.\n# TYPE titip_unit_days_late gauge\n";
  for (const auto& [unit, v] : by_unit) {
    out += "titip_unit_days_late{unit=\"" + Escape(unit) + "\"} " + std::to_string(v.second) + "\n";
  }
  return out;
}

}  // namespace titip::aggregator
