// The aggregator's status board service ([web] listen): see board.h for what it shows.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "titip/relay/services.h"

namespace titip::aggregator {

struct BoardSources {
  std::vector<std::string> units;                     // the roster's units
  std::map<std::string, std::string> terminal_units;  // roster: terminal serial → unit
};

// Null (and Ok) when the config has no [web] listen; Unavailable when it cannot be bound.
// `sources` is asked on every recompute, so a roster reload (SIGHUP) shows on the board. With
// /metrics on, the board also publishes the deadline gauges (StartDeadlineGauges is then not
// needed: one evaluation feeds both).
Result<std::unique_ptr<relay::Service>> StartBoard(relay::DaemonContext& ctx,
                                                   std::function<BoardSources()> sources);

}  // namespace titip::aggregator
