// The 3-day deadline monitor (SPEC §7): from each gateway's telemetry ("complete through T":
// everything its terminals made up to T is stored at Sengeti), the state of every unit and day.
// For unit U and day D: `ok` once complete through the end of D; otherwise `pending` until
// D+2 12:00, `warn` from then, `late` from D+3 00:00 — with the reason: no data at all, the
// node silent since a time, N punches still queued at the gateway.
//
// Pure: `now_ms` is passed in (read once from a Clock by the caller), so days of outage are a
// test over virtual time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace titip::aggregator {

// One gateway's latest telemetry as the aggregator stored it.
struct GatewayReport {
  std::string node;
  std::string unit;
  int64_t complete_through = 0;  // civil seconds, unit local time; 0 = not reported
  uint64_t queued = 0;           // not yet in custody upstream
  uint64_t undelivered = 0;      // without the sink's receipt
  int64_t last_seen_ms = 0;      // aggregator wall clock when it arrived, Unix ms UTC
};

enum class DeadlineStatus { kOk, kPending, kWarn, kLate };
const char* DeadlineStatusName(DeadlineStatus s);  // ok, pending, warn, late

struct DeadlineRow {
  std::string unit;
  int64_t date = 0;  // civil 00:00 of the day
  DeadlineStatus status = DeadlineStatus::kPending;
  std::string reason;              // English, for admins; never empty
  int64_t complete_through = 0;    // the unit's (minimum over its gateways); 0 = unknown
  std::vector<std::string> nodes;  // its gateways
};

struct DeadlineOptions {
  int utc_offset_min = 420;              // local time of the units (WIB)
  int64_t silent_after_ms = 10 * 60000;  // telemetry comes every 10 s; 10 min without = silent
};

// Rows for every unit in `units` and every unit a gateway reports (sorted, each once), for
// every day in [first_day, last_day] (civil 00:00, inclusive), day by day within each unit.
std::vector<DeadlineRow> EvaluateDeadlines(const std::vector<std::string>& units,
                                           const std::vector<GatewayReport>& gateways,
                                           int64_t first_day, int64_t last_day, int64_t now_ms,
                                           const DeadlineOptions& options);

// The window the daemon watches (gauges, status board) and `titipctl deadline` shows by
// default: the last kDeadlineWindowDays local days up to `now_ms`'s.
inline constexpr int kDeadlineWindowDays = 7;
std::vector<DeadlineRow> EvaluateRecentDeadlines(const std::vector<std::string>& units,
                                                 const std::vector<GatewayReport>& gateways,
                                                 int64_t now_ms, const DeadlineOptions& options);

}  // namespace titip::aggregator
