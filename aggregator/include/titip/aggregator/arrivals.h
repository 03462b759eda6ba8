// Today's arrivals at the sink, by unit, for the status board. Kept up to date from the sink's
// arrival log (Store::ForEachStoredSince) instead of a pass over every stored punch: each update
// reads only what arrived since the last one, so a year of punches costs nothing per refresh.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "titip/common/status.h"
#include "titip/storage/store.h"

namespace titip::aggregator {

class ArrivalCounter {
 public:
  // `utc_offset_min`: the sink's local time, which says where "today" begins. Not thread-safe:
  // one service thread owns it.
  ArrivalCounter(storage::Store& store, int utc_offset_min)
      : store_(store), utc_offset_min_(utc_offset_min) {}

  // Adds the punches logged since the last call that were stored on `now_ms`'s local day (the
  // punch's own unit, else the roster's unit of its terminal from `terminal_units`; neither:
  // not counted). A new day starts the counts from zero. A punch stored just after the next
  // midnight waits for the call that reaches that day. A failed read keeps what was counted
  // and the next call goes on from there.
  Status Update(int64_t now_ms, const std::map<std::string, std::string>& terminal_units);

  // Unit → punches stored at the sink since local midnight (as of the last Update).
  const std::map<std::string, uint64_t>& today() const { return counts_; }

 private:
  storage::Store& store_;
  const int utc_offset_min_;
  uint64_t after_seq_ = 0;  // the last log entry counted (or skipped as an earlier day's)
  int64_t day_start_ms_ = -1;
  std::map<std::string, uint64_t> counts_;
};

}  // namespace titip::aggregator
