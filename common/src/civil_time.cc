#include "titip/common/civil_time.h"

#include <chrono>
#include <cstdio>

namespace titip {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

std::optional<int64_t> DaysFrom(int y, int m, int d) {
  using namespace std::chrono;
  if (y < 2000 || y > 2099) return std::nullopt;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd}.time_since_epoch().count();
}

}  // namespace

std::optional<int64_t> ParseCivilDate(std::string_view t) {
  int y, mo, d;
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  if (!Digits(t, 0, 4, &y) || !Digits(t, 5, 2, &mo) || !Digits(t, 8, 2, &d)) return std::nullopt;
  auto days = DaysFrom(y, mo, d);
  if (!days) return std::nullopt;
  return *days * 86400;
}

std::optional<int64_t> ParseCivil(std::string_view t) {
  if (t.size() != 19 || (t[10] != ' ' && t[10] != 'T') || t[13] != ':' || t[16] != ':') {
    return std::nullopt;
  }
  auto day = ParseCivilDate(t.substr(0, 10));
  int h, mi, s;
  if (!day || !Digits(t, 11, 2, &h) || !Digits(t, 14, 2, &mi) || !Digits(t, 17, 2, &s)) {
    return std::nullopt;
  }
  if (h > 23 || mi > 59 || s > 59) return std::nullopt;
  return *day + h * 3600 + mi * 60 + s;
}

std::string FormatCivil(int64_t cs, char sep) {
  using namespace std::chrono;
  int64_t days = cs >= 0 ? cs / 86400 : (cs - 86399) / 86400;
  int64_t rem = cs - days * 86400;
  year_month_day ymd{sys_days{std::chrono::days{days}}};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u%c%02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), sep,
                static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                static_cast<int>(rem % 60));
  return buf;
}

std::string FormatRfc3339Utc(WallTime t) {
  int64_t secs = t.count() >= 0 ? t.count() / 1000 : (t.count() - 999) / 1000;
  // Wall seconds since 1970 UTC format exactly like civil seconds.
  std::string s = FormatCivil(secs, 'T');
  return s + "Z";
}

std::optional<int> ParseUtcOffset(std::string_view t) {
  int h, m;
  if (t.size() != 6 || (t[0] != '+' && t[0] != '-') || t[3] != ':') return std::nullopt;
  if (!Digits(t, 1, 2, &h) || !Digits(t, 4, 2, &m) || h > 14 || m > 59) return std::nullopt;
  int v = h * 60 + m;
  return t[0] == '-' ? -v : v;
}

bool ValidNodeId(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

}  // namespace titip
