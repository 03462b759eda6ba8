// "Complete through T" (SPEC §7), which each gateway reports in its telemetry for the
// aggregator's deadline monitor: every punch its terminals made up to civil second T has been
// pulled and is covered by the sink's receipt. T is bounded by the oldest terminal contact (a
// terminal not read since T may hold later punches) and by the first punch without a receipt.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "titip/relay/services.h"
#include "titip/storage/store.h"

namespace titip::relay {

// Pure. `now_ms` is the gateway's wall clock; T is in the terminals' local civil seconds
// (`utc_offset_min` east of UTC). Returns 0 ("unknown") when a terminal on the board was never
// reached since start. A gateway without terminals on the board (USB import only) is complete
// through now as far as it can know. Relies on the gateway's wall clock: a box that booted with
// a wrong clock reports a wrong T until NTP fixes it (the terminals' skew shows it).
int64_t CompleteThrough(int64_t now_ms, int utc_offset_min, const storage::Counters& counters,
                        const std::map<std::string, TerminalBoard::Entry>& terminals);

}  // namespace titip::relay
