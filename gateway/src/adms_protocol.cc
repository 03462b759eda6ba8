// iclock request targets, handshake options and command lines. Tolerant of what real firmware
// varies (key case, CRLF, trailing separators), strict on what names a terminal (SN).
#include "titip/gateway/adms_protocol.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "titip/common/civil_time.h"

namespace titip::gateway {
namespace {

constexpr std::string_view kPrefix = "/iclock/";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// '+' is a space in query strings; "%zz" is refused rather than passed through half-decoded.
bool PercentDecode(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
      out->push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out->push_back(c);
    }
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string r(s);
  std::transform(r.begin(), r.end(), r.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  });
  return r;
}

bool ValidSerial(std::string_view s) {
  return !s.empty() && s.size() <= kMaxSerialChars &&
         std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 0x7F; });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

template <typename Fn>
void ForEachLine(std::string_view body, Fn fn) {
  while (!body.empty()) {
    size_t nl = body.find('\n');
    fn(Trim(body.substr(0, nl)));
    if (nl == std::string_view::npos) break;
    body.remove_prefix(nl + 1);
  }
}

}  // namespace

Result<IclockTarget> ParseIclockTarget(std::string_view target) {
  if (target.size() > kMaxIclockTargetBytes) return Status::Invalid("request target too long");
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  if (path.substr(0, kPrefix.size()) != kPrefix) return Status::Invalid("path not under /iclock/");
  IclockTarget t;
  t.endpoint.assign(path.substr(kPrefix.size()));
  if (t.endpoint.empty() || t.endpoint.find('/') != std::string::npos) {
    return Status::Invalid("unknown iclock path");
  }
  std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
    if (pair.empty()) continue;  // "a=1&&b=2", trailing '&'
    size_t eq = pair.find('=');
    std::string key, value;
    if (!PercentDecode(pair.substr(0, eq), &key) ||
        (eq != std::string_view::npos && !PercentDecode(pair.substr(eq + 1), &value))) {
      return Status::Invalid("bad %-escape in query");
    }
    t.params[Lower(key)] = std::move(value);
  }
  auto get = [&](const char* k) {
    auto it = t.params.find(k);
    return it == t.params.end() ? std::string() : it->second;
  };
  t.sn = get("sn");
  if (t.sn.empty()) return Status::Invalid("missing SN");
  if (!ValidSerial(t.sn)) return Status::Invalid("bad SN");
  t.table = get("table");
  t.stamp = get("stamp");
  t.options_all = Lower(get("options")) == "all";
  return t;
}

std::string TimeZoneOption(int utc_offset_min) {
  if (utc_offset_min % 60 == 0) return std::to_string(utc_offset_min / 60);
  return std::to_string(utc_offset_min);
}

// Realtime=1 so a punch reaches the gateway within seconds; TransTimes/TransInterval are the
// fallback for firmware that ignores Realtime. The TransFlag text form is used because the
// bit-string form is numbered differently across PUSH generations (§2.2, [TB]). No Encrypt.
std::string HandshakeReply(std::string_view sn, const HandshakeOptions& o) {
  std::string r = "GET OPTION FROM: " + std::string(sn) + "\n";
  r += "ATTLOGStamp=" + o.attlog_stamp + "\n";
  r += "OPERLOGStamp=9999\n";
  r += "ATTPHOTOStamp=9999\n";
  r += "ErrorDelay=" + std::to_string(o.error_delay_s) + "\n";
  r += "Delay=" + std::to_string(o.delay_s) + "\n";
  r += "TransTimes=00:00;12:00\n";
  r += "TransInterval=1\n";
  r += "TransFlag=TransData AttLog\n";
  r += "TimeZone=" + TimeZoneOption(o.utc_offset_min) + "\n";
  r += std::string("Realtime=") + (o.realtime ? "1" : "0") + "\n";
  r += "Encrypt=None\n";
  return r;
}

std::string DataQueryAttlogCommand(std::string_view cmd_id, int64_t start_civil,
                                   int64_t end_civil) {
  return "C:" + std::string(cmd_id) +
         ":DATA QUERY ATTLOG StartTime=" + FormatCivil(start_civil, ' ') +
         "\tEndTime=" + FormatCivil(end_civil, ' ');
}

std::vector<DeviceCmdResult> ParseDeviceCmdBody(std::string_view body) {
  std::vector<DeviceCmdResult> out;
  ForEachLine(body, [&](std::string_view line) {
    DeviceCmdResult r;
    bool has_id = false, has_ret = false;
    while (!line.empty()) {
      size_t amp = line.find('&');
      std::string_view pair = line.substr(0, amp);
      line = amp == std::string_view::npos ? "" : line.substr(amp + 1);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      std::string key = Lower(pair.substr(0, eq));
      std::string_view value = pair.substr(eq + 1);
      if (key == "id") {
        r.id.assign(value.substr(0, 64));
        has_id = !r.id.empty();
      } else if (key == "return") {
        auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), r.return_code);
        has_ret = ec == std::errc() && p == value.data() + value.size();
      } else if (key == "cmd") {
        r.cmd.assign(value.substr(0, 64));
      }
    }
    if (has_id && has_ret) out.push_back(std::move(r));
  });
  return out;
}

std::vector<ServerCommand> ParseGetRequestReply(std::string_view body) {
  std::vector<ServerCommand> out;
  ForEachLine(body, [&](std::string_view line) {
    if (line.size() < 4 || line.substr(0, 2) != "C:") return;
    size_t colon = line.find(':', 2);
    if (colon == std::string_view::npos || colon == 2) return;
    out.push_back({std::string(line.substr(2, colon - 2)), std::string(line.substr(colon + 1))});
  });
  return out;
}

bool ParseDataQueryAttlog(std::string_view command, int64_t* start_civil, int64_t* end_civil) {
  constexpr std::string_view kHead = "DATA QUERY ATTLOG";
  if (command.substr(0, kHead.size()) != kHead) return false;
  auto value_of = [&](std::string_view key) -> std::optional<int64_t> {
    size_t at = command.find(key);
    if (at == std::string_view::npos) return std::nullopt;
    std::string_view v = command.substr(at + key.size(), 19);  // "YYYY-MM-DD HH:MM:SS"
    return ParseCivil(v);
  };
  auto s = value_of("StartTime="), e = value_of("EndTime=");
  if (!s || !e) return false;
  *start_civil = *s;
  *end_civil = *e;
  return true;
}

std::string HttpDate(int64_t unix_ms) {
  static constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t secs = unix_ms / 1000;
  int64_t days = secs / 86400;
  if (secs < 0) return "Thu, 01 Jan 1970 00:00:00 GMT";
  std::string iso = FormatCivil(secs, ' ');  // "YYYY-MM-DD HH:MM:SS"
  int month = std::stoi(iso.substr(5, 2));
  return std::string(kDays[days % 7]) + ", " + iso.substr(8, 2) + " " + kMonths[month - 1] + " " +
         iso.substr(0, 4) + " " + iso.substr(11, 8) + " GMT";
}

bool IsOkReply(std::string_view body) { return Trim(body).substr(0, 2) == "OK"; }

}  // namespace titip::gateway
