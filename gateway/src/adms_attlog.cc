// ATTLOG upload lines. Lenient where firmware differs (field count, trailing TABs, CRLF,
// non-numeric workcode), strict where a wrong guess would forge a punch (PIN, time, Status,
// Verify: Verify is part of the natural key).
#include "titip/gateway/adms_attlog.h"

#include "text_lines.h"

#include <algorithm>
#include <array>
#include <optional>

#include "titip/common/civil_time.h"

namespace titip::gateway {
namespace {

constexpr size_t kKeptFields = 5;  // PIN, time, Status, Verify, WorkCode

}  // namespace

const char* DecodeAdmsAttlogLine(std::string_view line, AttlogRecord* rec) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::array<std::string_view, kKeptFields> f{};
  size_t n = 0;
  while (n < kKeptFields) {
    size_t tab = line.find('\t');
    f[n++] = line.substr(0, tab);
    if (tab == std::string_view::npos) break;
    line.remove_prefix(tab + 1);
  }
  std::string_view pin = TrimSpaces(f[0]);
  if (pin.empty()) return "empty PIN";
  if (pin.size() > AttlogParser::kMaxPinChars) return "PIN too long";
  if (!std::all_of(pin.begin(), pin.end(), [](char c) { return c > ' ' && c < 0x7F; })) {
    return "bad character in PIN";
  }
  if (n < 2) return "missing time";
  std::optional<int64_t> t = ParseCivil(TrimSpaces(f[1]));
  if (!t) return "bad time";
  std::optional<uint32_t> status = ParseU32(f[2]), verify = ParseU32(f[3]);
  if (!status) return "bad Status";
  if (!verify) return "bad Verify";
  // Some firmware writes a work-code label here; it is informational only.
  rec->workcode = ParseU32(f[4]).value_or(0);
  rec->pin.assign(pin);
  rec->device_time = *t;
  rec->device_id = 0;
  rec->status = *status;
  rec->verify = *verify;
  return nullptr;
}

void AdmsAttlogParser::Feed(std::string_view bytes, std::vector<AttlogRecord>* out) {
  FeedBoundedLines(bytes, kMaxLineBytes, &line_, &overflow_, [&] { EndLine(out); });
}

void AdmsAttlogParser::Finish(std::vector<AttlogRecord>* out) {
  if (!line_.empty() || overflow_) EndLine(out);
}

void AdmsAttlogParser::EndLine(std::vector<AttlogRecord>* out) {
  ++line_no_;
  std::string_view line = line_;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const char* reason = nullptr;
  if (overflow_) {
    reason = "line too long";
  } else if (!IsBlank(line)) {
    AttlogRecord rec;
    rec.line = line_no_;
    reason = DecodeAdmsAttlogLine(line, &rec);
    if (!reason) out->push_back(std::move(rec));
  }
  if (overflow_ || !IsBlank(line)) ++lines_;
  if (reason) {
    ++garbage_;
    if (issues_.size() < kMaxIssues) issues_.push_back({line_no_, reason});
  }
  line_.clear();
  overflow_ = false;
}

}  // namespace titip::gateway
