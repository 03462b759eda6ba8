// GetAttLog request text and the <Row> decoder. Tags are matched by local name so that
// `<PIN xsi:type="xsd:integer">` and `<ns:PIN>` both work; values are trimmed.
#include "titip/gateway/soap_attlog.h"

#include <algorithm>
#include <optional>

#include "titip/common/civil_time.h"

namespace titip::gateway {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\r' || s.front() == '\n' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\r' || s.back() == '\n' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// Position of the start of an opening tag whose local name is `name` ("<Row>", "<Row a=..>",
// "<x:Row>"), searching from `from`; npos if none. *after is set past its '>'.
size_t FindOpen(std::string_view s, std::string_view name, size_t from, size_t* after) {
  for (size_t at = s.find('<', from); at != std::string_view::npos; at = s.find('<', at + 1)) {
    size_t p = at + 1;
    if (p < s.size() && s[p] == '/') continue;
    size_t end = s.find_first_of(" >/\t\r\n", p);
    if (end == std::string_view::npos) return std::string_view::npos;
    std::string_view tag = s.substr(p, end - p);
    size_t colon = tag.rfind(':');
    if (colon != std::string_view::npos) tag.remove_prefix(colon + 1);
    if (tag != name) continue;
    // A '<' before the '>' means a broken tag, not a long one: skipping it here, as a chunk
    // boundary inside it would, keeps the result independent of how the body was split.
    size_t gt = s.find_first_of("<>", end);
    if (gt == std::string_view::npos) return std::string_view::npos;
    if (s[gt] == '<') continue;
    *after = gt + 1;
    return at;
  }
  return std::string_view::npos;
}

size_t FindClose(std::string_view s, std::string_view name, size_t from, size_t* after) {
  for (size_t at = s.find("</", from); at != std::string_view::npos; at = s.find("</", at + 2)) {
    size_t gt = s.find('>', at);
    if (gt == std::string_view::npos) return std::string_view::npos;
    std::string_view tag = Trim(s.substr(at + 2, gt - at - 2));
    size_t colon = tag.rfind(':');
    if (colon != std::string_view::npos) tag.remove_prefix(colon + 1);
    if (tag == name) {
      *after = gt + 1;
      return at;
    }
  }
  return std::string_view::npos;
}

std::optional<std::string_view> Field(std::string_view row, std::string_view name) {
  size_t open_end = 0, close_end = 0;
  if (FindOpen(row, name, 0, &open_end) == std::string_view::npos) return std::nullopt;
  size_t close = FindClose(row, name, open_end, &close_end);
  if (close == std::string_view::npos) return std::nullopt;
  return Trim(row.substr(open_end, close - open_end));
}

std::optional<uint32_t> U32(std::optional<std::string_view> s) {
  if (!s || s->empty()) return uint32_t{0};  // absent field: 0, like the other decoders
  uint64_t v = 0;
  for (char c : *s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
    if (v > UINT32_MAX) return std::nullopt;
  }
  return static_cast<uint32_t>(v);
}

}  // namespace

std::string BuildGetAttLogRequest(uint32_t comm_key, std::string_view pin) {
  std::string body = "<GetAttLog><ArgComKey xsi:type=\"xsd:integer\">" + std::to_string(comm_key) +
                     "</ArgComKey><Arg><PIN xsi:type=\"xsd:integer\">" + std::string(pin) +
                     "</PIN></Arg></GetAttLog>";
  return "POST /iWsService HTTP/1.0\r\nContent-Type: text/xml\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body + "\r\n";
}

const char* DecodeSoapRow(std::string_view row, AttlogRecord* rec) {
  auto pin = Field(row, "PIN");
  if (!pin || pin->empty()) return "missing PIN";
  if (pin->size() > AttlogParser::kMaxPinChars) return "PIN too long";
  if (!std::all_of(pin->begin(), pin->end(), [](char c) { return c > ' ' && c < 0x7F; })) {
    return "bad character in PIN";
  }
  auto dt = Field(row, "DateTime");
  if (!dt) return "missing DateTime";
  auto t = ParseCivil(*dt);
  if (!t) return "bad DateTime";
  auto verify = U32(Field(row, "Verified")), status = U32(Field(row, "Status"));
  if (!verify) return "bad Verified";
  if (!status) return "bad Status";
  rec->pin.assign(*pin);
  rec->device_time = *t;
  rec->verify = *verify;
  rec->status = *status;
  rec->workcode = U32(Field(row, "WorkCode")).value_or(0);
  rec->device_id = 0;
  return nullptr;
}

void SoapAttLogParser::Issue(const char* reason) {
  ++garbage_;
  if (issues_.size() < kMaxIssues) issues_.push_back({rows_ + garbage_, reason});
}

void SoapAttLogParser::Feed(std::string_view bytes, std::vector<AttlogRecord>* out) {
  buf_.append(bytes);
  size_t after = 0;
  if (!saw_response_ && FindOpen(buf_, "GetAttLogResponse", 0, &after) != std::string::npos) {
    saw_response_ = true;
  }
  size_t pos = 0;
  for (;;) {
    size_t open = FindOpen(buf_, "Row", pos, &after);
    if (open == std::string::npos) {
      // Keep a possible partial tag at the end; everything before it is between rows.
      size_t lt = buf_.rfind('<');
      pos = lt != std::string::npos && lt >= pos ? lt : buf_.size();
      break;
    }
    size_t close_end = 0;
    size_t close = FindClose(buf_, "Row", after, &close_end);
    if (close == std::string::npos) {
      pos = open;
      if (buf_.size() - open > kMaxRowBytes) {
        Issue("row too long");
        pos = after;  // skip this opening tag, look for the next row
        continue;
      }
      break;
    }
    AttlogRecord rec;
    if (close_end - open > kMaxRowBytes) {
      Issue("row too long");  // the same verdict whatever the split
    } else if (const char* reason =
                   DecodeSoapRow(std::string_view(buf_).substr(after, close - after), &rec)) {
      Issue(reason);
    } else {
      ++rows_;
      rec.line = rows_;
      out->push_back(std::move(rec));
    }
    pos = close_end;
  }
  buf_.erase(0, pos);
  if (buf_.size() > kMaxRowBytes * 2) buf_.erase(0, buf_.size() - kMaxRowBytes);
}

void SoapAttLogParser::Finish() {
  size_t after = 0;
  if (FindOpen(buf_, "Row", 0, &after) != std::string::npos) Issue("truncated row");
  buf_.clear();
}

}  // namespace titip::gateway
