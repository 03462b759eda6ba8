// The aggregator's roster and schedule in force (see titip/aggregator/in_force.h): loaded at
// start (a bad file refuses the start, exit 78), reloaded on SIGHUP on the service's own thread
// (a bad file keeps the old tables, logs FILE:LINE and counts the failure), published to the
// state dir for titipctl and as titip_roster_reloads_total / titip_roster_entries on /metrics.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "titip/relay/services.h"

namespace titip::aggregator {

class TablesService : public relay::Service {
 public:
  virtual std::vector<std::string> Units() const = 0;  // the roster's units; thread-safe
  // The roster's terminal serial → unit; thread-safe.
  virtual std::map<std::string, std::string> TerminalUnits() const = 0;
};

Result<std::unique_ptr<TablesService>> StartTables(relay::DaemonContext& ctx);

}  // namespace titip::aggregator
