// titipctl recap: arguments and the output formats (cmd_recap_output.cc), apart from the
// command so the formats can be read on their own.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "titip/aggregator/recap.h"

namespace titip::cli {

struct Context;

struct RecapArgs {
  std::string date;                        // YYYY-MM-DD: daily recap
  std::string month;                       // YYYY-MM: monthly summary
  std::string unit;                        // empty = every unit
  std::string roster_file, schedule_file;  // override the config's [aggregator] files
  bool csv = false;                        // CSV (the default unless --json)
};

int CmdRecap(Context& ctx, const RecapArgs& args);

// JSON: one object per line (SPEC §9 field names). CSV: a header, then one row per person.
void PrintDaily(const std::vector<aggregator::RecapRow>& rows, bool json, std::ostream& out);
void PrintMonthly(const std::string& month, const std::vector<aggregator::MonthRow>& rows,
                  bool json, std::ostream& out);

}  // namespace titip::cli
