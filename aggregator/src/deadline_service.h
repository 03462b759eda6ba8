// The aggregator's deadline gauges, recomputed every 5 s on their own thread from the
// gateways' telemetry (a short read transaction) and published on the daemon's MetricsBoard.
// Only when the status board does not run: the board evaluates the same window every 5 s and
// publishes the gauges from that one evaluation.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "titip/relay/services.h"

namespace titip::aggregator {

// `units`: the roster's units in force, asked on each update (a unit that never reported is
// still watched; a reloaded roster counts from the next update). Null when the daemon serves
// no /metrics.
std::unique_ptr<relay::Service> StartDeadlineGauges(
    relay::DaemonContext& ctx, std::function<std::vector<std::string>()> units);

}  // namespace titip::aggregator
