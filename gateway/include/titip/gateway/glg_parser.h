// Decoder for the USB exports `GLG_001.TXT` / `AGL_001.TXT` of older B&W firmware (Solution,
// Fingerspot; terminal-protocols.md §4): TAB-separated, a header row naming the columns
// (`No Mchn EnNo  Name  Mode IOMd DateTime`), columns mapped by name, not position. The date
// order (MM/DD/YYYY, DD/MM/YYYY or ISO) varies by locale and is decided for the whole file:
// from rows that can only be read one way, or from the caller; a file that stays ambiguous is
// refused rather than guessed (a wrong guess forges punches on the wrong day).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "titip/common/status.h"
#include "titip/gateway/attlog_parser.h"

namespace titip::gateway {

enum class DateOrder { kAuto, kMdy, kDmy };

struct GlgParsed {
  std::vector<AttlogRecord> records;  // pin = EnNo, status = IOMd, verify = Mode,
                                      // device_id = Mchn
  uint64_t lines = 0;                 // data lines (header excluded)
  uint64_t garbage = 0;
  std::vector<AttlogIssue> issues;     // at most AttlogParser::kMaxIssues
  DateOrder order = DateOrder::kAuto;  // the order used (kAuto only if no slash dates at all)
};

// True when the text starts (after an optional BOM) with a GLG header row.
bool LooksLikeGlg(std::string_view head);

// Parses a whole file (they are small: one terminal's log). kInvalidArgument when the header
// lacks EnNo or DateTime, when day-first and month-first rows are both present, or when the
// order is kAuto and every slash date could be read both ways.
Result<GlgParsed> ParseGlg(std::string_view text, DateOrder order);

}  // namespace titip::gateway
