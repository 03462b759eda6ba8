// GLG/AGL decoding: header → column map, then rows. Columns left of Name are counted from
// the left and columns right of it from the right, because the Name column (often empty, or
// holding TABs in wide-name exports) is what makes row widths differ from the header: the
// doc's sample header has 9 fields and its row 7.
#include "titip/gateway/glg_parser.h"

#include <algorithm>
#include <map>
#include <optional>

#include "titip/common/civil_time.h"

namespace titip::gateway {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view line) {
  std::vector<std::string_view> f;
  for (;;) {
    size_t tab = line.find('\t');
    f.push_back(Trim(line.substr(0, tab)));
    if (tab == std::string_view::npos) return f;
    line.remove_prefix(tab + 1);
  }
}

std::optional<uint32_t> U32(std::string_view s) {
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
    if (v > UINT32_MAX) return std::nullopt;
  }
  return static_cast<uint32_t>(v);
}

// Where each named column sits: from the left (>= 0) or from the right (< 0: -1 = last).
struct ColumnMap {
  std::map<std::string, int> at;
  std::optional<std::string_view> Get(const std::vector<std::string_view>& f,
                                      const std::string& name) const {
    auto it = at.find(name);
    if (it == at.end()) return std::nullopt;
    int i = it->second >= 0 ? it->second : static_cast<int>(f.size()) + it->second;
    if (i < 0 || i >= static_cast<int>(f.size())) return std::nullopt;
    return f[static_cast<size_t>(i)];
  }
};

ColumnMap MapHeader(const std::vector<std::string_view>& h) {
  ColumnMap m;
  auto name_it = std::find(h.begin(), h.end(), "Name");
  int pivot =
      name_it == h.end() ? static_cast<int>(h.size()) : static_cast<int>(name_it - h.begin());
  for (int i = 0; i < static_cast<int>(h.size()); ++i) {
    if (h[i].empty() || i == pivot) continue;
    m.at[std::string(h[i])] = i < pivot ? i : i - static_cast<int>(h.size());
  }
  return m;
}

// "MM/DD/YYYY hh:mm:ss" or "DD/MM/YYYY ..." → ISO text for ParseCivil; ISO passes through.
// *first / *second are the two numbers before the year (for the date-order vote).
std::optional<std::string> ToIso(std::string_view dt, DateOrder order, int* first, int* second) {
  size_t s1 = dt.find('/');
  if (s1 == std::string_view::npos) return std::string(dt);
  size_t s2 = dt.find('/', s1 + 1), sp = dt.find(' ');
  if (s2 == std::string_view::npos || sp == std::string_view::npos || sp < s2) return std::nullopt;
  auto a = U32(dt.substr(0, s1)), b = U32(dt.substr(s1 + 1, s2 - s1 - 1));
  std::string_view year = dt.substr(s2 + 1, sp - s2 - 1), time = Trim(dt.substr(sp + 1));
  if (!a || !b || *a > 99 || *b > 99 || year.size() != 4) return std::nullopt;
  *first = static_cast<int>(*a);
  *second = static_cast<int>(*b);
  uint32_t month = order == DateOrder::kDmy ? *b : *a, day = order == DateOrder::kDmy ? *a : *b;
  char buf[16];
  std::snprintf(buf, sizeof buf, "-%02u-%02u ", month, day);
  // Some firmware drops the hour's leading zero ("7:05:00") or the seconds ("07:05").
  std::string t(time);
  if (t.size() == 4 || t.size() == 7) t = "0" + t;
  if (t.size() == 5) t += ":00";
  return std::string(year) + buf + t;
}

const char* DecodeRow(const std::vector<std::string_view>& f, const ColumnMap& m, DateOrder order,
                      AttlogRecord* rec) {
  auto pin = m.Get(f, "EnNo");
  if (!pin || pin->empty()) return "empty EnNo";
  if (pin->size() > AttlogParser::kMaxPinChars) return "EnNo too long";
  if (!std::all_of(pin->begin(), pin->end(), [](char c) { return c > ' ' && c < 0x7F; })) {
    return "bad character in EnNo";
  }
  auto dt = m.Get(f, "DateTime");
  if (!dt) return "missing DateTime";
  int a = 0, b = 0;
  auto iso = ToIso(*dt, order, &a, &b);
  auto t = iso ? ParseCivil(*iso) : std::nullopt;
  if (!t) return "bad DateTime";
  auto num = [&](const char* name) -> std::optional<uint32_t> {
    auto v = m.Get(f, name);
    return v ? U32(*v) : std::optional<uint32_t>(0);
  };
  auto status = num("IOMd"), verify = num("Mode"), mchn = num("Mchn");
  if (!status) return "bad IOMd";
  if (!verify) return "bad Mode";
  rec->pin.assign(*pin);
  rec->device_time = *t;
  rec->status = *status;
  rec->verify = *verify;
  rec->device_id = mchn.value_or(0);
  return nullptr;
}

}  // namespace

bool LooksLikeGlg(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  std::string_view first = head.substr(0, head.find('\n'));
  return first.substr(0, 3) == "No\t" && first.find("EnNo") != std::string_view::npos;
}

Result<GlgParsed> ParseGlg(std::string_view text, DateOrder order) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  size_t nl = text.find('\n');
  ColumnMap m = MapHeader(Split(text.substr(0, nl)));
  if (!m.at.count("EnNo") || !m.at.count("DateTime")) {
    return Status::Invalid("GLG header lacks EnNo or DateTime");
  }
  std::vector<std::vector<std::string_view>> rows;
  std::vector<uint64_t> line_no;
  uint64_t n = 1;
  bool day_first = false, month_first = false, any_slash = false;
  for (std::string_view rest = nl == std::string_view::npos ? "" : text.substr(nl + 1);
       !rest.empty();) {
    size_t e = rest.find('\n');
    std::string_view line = rest.substr(0, e);
    rest = e == std::string_view::npos ? "" : rest.substr(e + 1);
    ++n;
    if (Trim(line).find_first_not_of('\t') == std::string_view::npos) continue;
    rows.push_back(Split(line));
    line_no.push_back(n);
    auto dt = m.Get(rows.back(), "DateTime");
    int a = 0, b = 0;
    if (dt && ToIso(*dt, DateOrder::kMdy, &a, &b) && dt->find('/') != std::string_view::npos) {
      any_slash = true;
      day_first |= a > 12;
      month_first |= b > 12;
    }
  }
  if (order == DateOrder::kAuto && any_slash) {
    if (day_first && month_first) return Status::Invalid("GLG dates mix DD/MM and MM/DD");
    if (!day_first && !month_first) {
      return Status::Invalid(
          "GLG dates are ambiguous (every day <= 12): give the date order (mdy or dmy)");
    }
    order = day_first ? DateOrder::kDmy : DateOrder::kMdy;
  }
  GlgParsed out;
  out.order = order;
  for (size_t i = 0; i < rows.size(); ++i) {
    ++out.lines;
    AttlogRecord rec;
    rec.line = line_no[i];
    if (const char* reason = DecodeRow(rows[i], m, order, &rec)) {
      ++out.garbage;
      if (out.issues.size() < AttlogParser::kMaxIssues) out.issues.push_back({line_no[i], reason});
    } else {
      out.records.push_back(std::move(rec));
    }
  }
  return out;
}

}  // namespace titip::gateway
