// See arrivals.h. Reads the log in batches so that no read transaction stays open long (a held
// reader stops LMDB reusing pages): the first update after start walks the whole log once.
#include "titip/aggregator/arrivals.h"

namespace titip::aggregator {
namespace {

constexpr size_t kBatch = 10000;  // log entries per read transaction
constexpr int64_t kDayMs = 86400 * 1000LL;
// A punch stored at most this far past `now` on the next day was stored while this update ran,
// just after midnight: it waits for the next update, which starts that day. One stamped further
// ahead was stored by a wrong clock: counted today, as the full pass did, so that it cannot hold
// up the count until its day comes.
constexpr int64_t kAheadMs = 10 * 60 * 1000LL;

}  // namespace

Status ArrivalCounter::Update(int64_t now_ms,
                              const std::map<std::string, std::string>& terminal_units) {
  const int64_t local_day = (now_ms / 1000 + utc_offset_min_ * 60LL) / 86400 * 86400;
  const int64_t day_start = (local_day - utc_offset_min_ * 60LL) * 1000;
  if (day_start != day_start_ms_) {
    counts_.clear();
    day_start_ms_ = day_start;
  }
  const int64_t day_end = day_start + kDayMs;
  for (;;) {
    size_t seen = 0;
    bool later_day = false;
    Status s =
        store_.ForEachStoredSince(after_seq_, kBatch, [&](uint64_t seq, const wire::Punch& p) {
          if (p.stored_at_ms() >= day_end && p.stored_at_ms() - now_ms < kAheadMs) {
            later_day = true;
            return false;
          }
          ++seen;
          after_seq_ = seq;
          if (p.stored_at_ms() < day_start) return true;
          std::string unit = p.unit();
          if (unit.empty()) {
            auto it = terminal_units.find(p.terminal());
            if (it != terminal_units.end()) unit = it->second;
          }
          if (!unit.empty()) ++counts_[unit];
          return true;
        });
    if (!s.ok()) return s;
    if (later_day || seen < kBatch) return Status::Ok();
  }
}

}  // namespace titip::aggregator
