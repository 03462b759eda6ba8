// The aggregator's status board service ([web] listen): see board.h for what it shows.
#pragma once

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
Result<std::unique_ptr<relay::Service>> StartBoard(relay::DaemonContext& ctx, BoardSources src);

}  // namespace titip::aggregator
