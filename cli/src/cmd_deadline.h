// titipctl deadline: arguments.
#pragma once

#include <string>

namespace titip::cli {

struct Context;

struct DeadlineArgs {
  std::string date;         // one day, YYYY-MM-DD; else the last `days` days up to today
  int days = 7;             // 1..366
  std::string roster_file;  // overrides [aggregator] roster_file (the list of units)
};

int CmdDeadline(Context& ctx, const DeadlineArgs& args);

}  // namespace titip::cli
