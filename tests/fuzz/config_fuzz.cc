// Fuzz target for the operator-written files: the bytes as a daemon config (every role), as
// the roster CSV and as the schedule TOML. A bad file must give an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "titip/aggregator/roster.h"
#include "titip/aggregator/schedule.h"
#include "titip/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace cfg = titip::config;
  std::string text(reinterpret_cast<const char*>(data), size);
  for (auto role : {cfg::Role::kGateway, cfg::Role::kRelay, cfg::Role::kAggregator}) {
    auto r = cfg::ParseConfig(text, "fuzz.toml", role);
    if (r.config.has_value() == r.error.has_value()) __builtin_trap();  // exactly one is set
  }
  (void)titip::aggregator::ParseRoster(text, "fuzz.csv");
  (void)titip::aggregator::ParseSchedule(text, "fuzz.toml");
  return 0;
}
