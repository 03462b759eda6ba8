// The identity of a punch as titipctl prints it, shared by `punches` and `quarantine` so the
// two outputs name and format the same fields the same way.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "titip.pb.h"

namespace titip::cli {

// An epoch as 16 lower-case hex digits, as titipctl prints epochs everywhere.
std::string Hex16(uint64_t v);

// origin, epoch, seq, terminal, pin, time (device-local), status, verify, unit.
nlohmann::json PunchIdentityJson(const wire::Punch& p);

}  // namespace titip::cli
