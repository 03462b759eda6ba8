// The roster and schedule in force at the running aggregator. The daemon loads them at start
// and again on SIGHUP / `titipctl reload` (a bad file keeps the old ones); after each accepted
// load it writes a copy of the exact bytes it parsed, then a status file, into
// STATE_DIR/in-force/. titipctl recap and deadline read those copies while that daemon runs,
// so an edited roster takes effect on reload, and a broken edit never breaks the recap.
#pragma once

#include <string>

namespace titip::aggregator {

inline constexpr char kInForceDir[] = "in-force";
inline constexpr char kInForceRoster[] = "roster.csv";       // absent: no roster configured
inline constexpr char kInForceSchedule[] = "schedule.toml";  // absent: no schedule configured
// JSON: pid, loaded_at_ms, roster_file, schedule_file (the configured sources), roster_entries,
// roster_units, reloads_ok, reloads_failed, last_error ("" after a good reload).
inline constexpr char kInForceStatus[] = "status.json";

inline std::string InForcePath(const std::string& state_dir, const char* name) {
  return state_dir + "/" + kInForceDir + "/" + name;
}

}  // namespace titip::aggregator
