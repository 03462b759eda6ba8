// Terminal time is naive local time ("2024-03-15 07:30:05", no zone). We keep it exactly as the
// terminal wrote it, encoded as "civil seconds": seconds since 1970-01-01 00:00:00 of the same
// naive calendar. No zone arithmetic happens on it; the unit's UTC offset travels beside it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "titip/common/clock.h"

namespace titip {

// Parses "YYYY-MM-DD HH:MM:SS" (or with 'T'). Rejects impossible dates (Feb 30, hour 24) and
// years outside 2000..2099 — a terminal clock that reset to 1970 must not make a plausible punch.
std::optional<int64_t> ParseCivil(std::string_view text);
// Parses "YYYY-MM-DD" to the civil second of 00:00:00 that day.
std::optional<int64_t> ParseCivilDate(std::string_view text);
// "YYYY-MM-DDTHH:MM:SS" (sep = 'T') or with a space.
std::string FormatCivil(int64_t civil_seconds, char sep = 'T');
// RFC 3339 UTC with milliseconds dropped: "2024-03-15T00:30:05Z".
std::string FormatRfc3339Utc(WallTime t);
// Parses "+07:00" / "-03:30" to minutes east of UTC.
std::optional<int> ParseUtcOffset(std::string_view text);

// Node ids are [a-z0-9-]{1,32} (SPEC §4).
bool ValidNodeId(std::string_view id);

}  // namespace titip
