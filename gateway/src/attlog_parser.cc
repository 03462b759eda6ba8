// attlog.dat decoding: a byte splitter that bounds the line buffer, and a pure line decoder.
// Lenient where real exports differ (padding, CRLF/LF, missing or extra trailing fields),
// strict where a wrong guess would forge a punch (time, numbers, PIN characters).
#include "titip/gateway/attlog_parser.h"

#include "text_lines.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include "titip/common/civil_time.h"

namespace titip::gateway {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr size_t kFields = 6;  // PIN, time, DeviceID, Status, Verify, WorkCode

// Printable ASCII without space: a PIN with control bytes or high bytes is line noise, and
// accepting it would create a person nobody can match against the roster.
bool ValidPinChars(std::string_view pin) {
  return std::all_of(pin.begin(), pin.end(), [](char c) { return c > ' ' && c < 0x7F; });
}

// Splits on TAB into at most kFields views; extra fields are ignored, missing ones stay empty.
size_t SplitFields(std::string_view line, std::array<std::string_view, kFields>* f) {
  size_t n = 0;
  while (n < kFields) {
    size_t tab = line.find('\t');
    (*f)[n++] = line.substr(0, tab);
    if (tab == std::string_view::npos) break;
    line.remove_prefix(tab + 1);
  }
  return n;
}

// Returns nullptr on success, otherwise the reason the line is garbage.
const char* DecodeLine(std::string_view line, AttlogRecord* rec) {
  std::array<std::string_view, kFields> f{};
  size_t n = SplitFields(line, &f);
  std::string_view pin = TrimSpaces(f[0]);
  if (pin.empty()) return "empty PIN";
  if (pin.size() > AttlogParser::kMaxPinChars) return "PIN too long";
  if (!ValidPinChars(pin)) return "bad character in PIN";
  if (n < 2) return "missing time";
  std::optional<int64_t> t = ParseCivil(TrimSpaces(f[1]));
  if (!t) return "bad time";
  static constexpr const char* kBadNumber[] = {"bad DeviceID", "bad Status", "bad Verify",
                                               "bad WorkCode"};
  uint32_t* dst[] = {&rec->device_id, &rec->status, &rec->verify, &rec->workcode};
  for (size_t i = 0; i < 4; ++i) {
    std::optional<uint32_t> v = ParseU32(f[i + 2]);
    if (!v) return kBadNumber[i];
    *dst[i] = *v;
  }
  rec->pin.assign(pin);
  rec->device_time = *t;
  return nullptr;
}

}  // namespace

void AttlogParser::Feed(std::string_view bytes, std::vector<AttlogRecord>* out) {
  if (at_start_) ConsumeBom(&bytes);
  FeedBoundedLines(bytes, kMaxLineBytes, &line_, &overflow_, [&] { EndLine(out); });
}

void AttlogParser::Finish(std::vector<AttlogRecord>* out) {
  if (at_start_) {
    // Input ended inside what looked like a BOM: those bytes are the (garbage) first line.
    line_.assign(kBom.substr(0, bom_matched_));
    at_start_ = false;
  }
  if (!line_.empty() || overflow_) EndLine(out);
}

// Matches the BOM byte by byte so that a BOM split across Feed calls is still recognised.
void AttlogParser::ConsumeBom(std::string_view* bytes) {
  while (at_start_ && !bytes->empty()) {
    if (bytes->front() != kBom[bom_matched_]) {
      line_.assign(kBom.substr(0, bom_matched_));  // a false start is ordinary line content
      at_start_ = false;
      return;
    }
    bytes->remove_prefix(1);
    if (++bom_matched_ == kBom.size()) at_start_ = false;
  }
}

void AttlogParser::EndLine(std::vector<AttlogRecord>* out) {
  ++lines_;
  std::string_view line = line_;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (overflow_) {
    AddIssue("line too long");
  } else if (!IsBlank(line)) {
    AttlogRecord rec;
    rec.line = lines_;
    if (const char* reason = DecodeLine(line, &rec)) {
      AddIssue(reason);
    } else {
      out->push_back(std::move(rec));
    }
  }
  line_.clear();
  overflow_ = false;
}

void AttlogParser::AddIssue(std::string reason) {
  ++garbage_;
  if (issues_.size() < kMaxIssues) issues_.push_back({lines_, std::move(reason)});
}

}  // namespace titip::gateway
