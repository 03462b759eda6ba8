#include "punch_json.h"

#include <cstdio>

#include "titip/common/civil_time.h"

namespace titip::cli {

std::string Hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

nlohmann::json PunchIdentityJson(const wire::Punch& p) {
  return {{"origin", p.origin()}, {"epoch", Hex16(p.epoch())},
          {"seq", p.seq()},       {"terminal", p.terminal()},
          {"pin", p.pin()},       {"time", FormatCivil(p.device_time())},
          {"status", p.status()}, {"verify", p.verify()},
          {"unit", p.unit()}};
}

}  // namespace titip::cli
