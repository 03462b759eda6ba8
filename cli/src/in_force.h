// The roster and schedule in force at a running aggregator (titip/aggregator/in_force.h).
#pragma once

#include <optional>
#include <string>

#include "context.h"

namespace titip::cli {

struct TablesInForce {
  std::string roster, schedule;  // copies in the state dir; empty: none configured
};

// Set only while the aggregator of ctx's state dir runs and has published its tables.
std::optional<TablesInForce> FindTablesInForce(const Context& ctx);

}  // namespace titip::cli
