// Schedule TOML parsing and lookup (see schedule.h). toml++ parses; every value is checked here
// and the first problem is reported with its file, line and dotted key.
#include "titip/aggregator/schedule.h"

#include <toml++/toml.h>

#include <cstdio>
#include <set>

#include "titip/common/civil_time.h"
#include "titip/common/text_file.h"

namespace titip::aggregator {
namespace {

constexpr const char* kDays[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
constexpr size_t kMaxScheduleBytes = 4u << 20;

// The first error of one parse, located.
class Problems {
 public:
  explicit Problems(std::string path) : path_(std::move(path)) {}
  void Add(const toml::node* at, const std::string& key, const std::string& message) {
    if (first_) return;
    std::string where = path_;
    if (at != nullptr && at->source().begin.line > 0) {
      where += ":" + std::to_string(at->source().begin.line);
    }
    first_ = where + ": key '" + key + "': " + message;
  }
  bool ok() const { return !first_; }
  Status ToStatus() const { return Status::Invalid(*first_); }

 private:
  std::string path_;
  std::optional<std::string> first_;
};

void CheckKeys(const toml::table& t, const std::string& prefix, std::set<std::string> allowed,
               Problems& p) {
  for (const auto& [k, v] : t) {
    if (allowed.count(std::string(k.str()))) continue;
    p.Add(&v, prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str()),
          "unknown key");
  }
}

std::optional<int> ParseHm(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  auto d = [&](size_t i) { return s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -100; };
  int h = d(0) * 10 + d(1), m = d(3) * 10 + d(4);
  if (h < 0 || h > 23 || m < 0 || m > 59) return std::nullopt;
  return h * 3600 + m * 60;
}

// "HH:MM-HH:MM". An end at or before the start is tomorrow only when `overnight`.
std::optional<Hours> ParseHours(const toml::node* n, const std::string& key, bool overnight,
                                Problems& p) {
  auto s = n->value<std::string>();
  std::optional<int> a, b;
  if (s && s->size() == 11 && (*s)[5] == '-') {
    a = ParseHm(s->substr(0, 5));
    b = ParseHm(s->substr(6));
  }
  if (!a || !b) {
    p.Add(n, key, "expected \"HH:MM-HH:MM\"");
    return std::nullopt;
  }
  if (*b <= *a && !overnight) {
    p.Add(n, key, "ends before it starts (only shifts may cross midnight)");
    return std::nullopt;
  }
  return Hours{*a, *b <= *a ? *b + 86400 : *b};
}

std::optional<int64_t> ParseDay(const toml::node* n, const std::string& key, Problems& p) {
  if (auto d = n->value<toml::date>()) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(d->year),
                  static_cast<int>(d->month), static_cast<int>(d->day));
    if (auto day = ParseCivilDate(buf)) return day;
  } else if (auto s = n->value<std::string>()) {
    if (auto day = ParseCivilDate(*s)) return day;
  }
  p.Add(n, key, "expected a date YYYY-MM-DD (2000..2099)");
  return std::nullopt;
}

std::vector<std::string> ReadUnits(const toml::table& t, const std::string& prefix, Problems& p) {
  std::vector<std::string> out;
  const toml::node* n = t.get("units");
  if (n == nullptr) return out;
  const toml::array* a = n->as_array();
  if (a == nullptr) return p.Add(n, prefix + ".units", "expected an array of unit ids"), out;
  for (const auto& u : *a) {
    auto s = u.value<std::string>();
    if (!s || (*s != "*" && !ValidNodeId(*s))) {
      p.Add(&u, prefix + ".units", "expected unit ids ([a-z0-9-]{1,32}) or \"*\"");
      return {};
    }
    if (*s == "*") return {};
    out.push_back(*s);
  }
  return out;
}

void ReadProfile(const toml::table& t, const std::string& prefix, Problems& p, Profile* out) {
  if (const toml::node* sh = t.get("shifts")) {
    CheckKeys(t, prefix, {"shifts"}, p);
    const toml::array* a = sh->as_array();
    if (a == nullptr || a->empty()) return p.Add(sh, prefix + ".shifts", "expected shift times");
    for (const auto& s : *a) {
      if (auto h = ParseHours(&s, prefix + ".shifts", true, p)) out->shifts.push_back(*h);
    }
    return;
  }
  CheckKeys(t, prefix, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}, p);
  for (int d = 0; d < 7; ++d) {
    if (const toml::node* n = t.get(kDays[d])) {
      out->week[d] = ParseHours(n, prefix + "." + kDays[d], false, p);
    }
  }
}

const toml::array* TablesAt(const toml::table& root, const char* name, Problems& p) {
  const toml::node* n = root.get(name);
  if (n == nullptr) return nullptr;
  const toml::array* a = n->as_array();
  if (a == nullptr || !a->is_array_of_tables()) {
    p.Add(n, name, std::string("expected [[") + name + "]] tables");
    return nullptr;
  }
  return a;
}

void ReadRules(const toml::table& root, const std::map<std::string, Profile, std::less<>>& profiles,
               Problems& p, std::vector<ScheduleRule>* out) {
  const toml::array* a = TablesAt(root, "rule", p);
  for (size_t i = 0; a != nullptr && i < a->size(); ++i) {
    const toml::table& t = *a->get(i)->as_table();
    std::string prefix = "rule[" + std::to_string(i) + "]";
    CheckKeys(t, prefix, {"profile", "from", "until", "units"}, p);
    ScheduleRule r;
    auto name = t["profile"].value<std::string>();
    if (!name || !profiles.count(*name)) {
      p.Add(t.get("profile") ? t.get("profile") : &t, prefix + ".profile",
            "expected the name of a [profile.NAME]");
    } else {
      r.profile = *name;
    }
    if (const toml::node* n = t.get("from"))
      r.from_day = ParseDay(n, prefix + ".from", p).value_or(0);
    if (const toml::node* n = t.get("until")) {
      r.until_day = ParseDay(n, prefix + ".until", p).value_or(0);
      if (p.ok() && r.until_day < r.from_day) p.Add(n, prefix + ".until", "is before from");
    }
    r.units = ReadUnits(t, prefix, p);
    out->push_back(std::move(r));
  }
}

void ReadHolidays(const toml::table& root, Problems& p, std::vector<Holiday>* out) {
  const toml::array* a = TablesAt(root, "holiday", p);
  for (size_t i = 0; a != nullptr && i < a->size(); ++i) {
    const toml::table& t = *a->get(i)->as_table();
    std::string prefix = "holiday[" + std::to_string(i) + "]";
    CheckKeys(t, prefix, {"date", "until", "name", "units"}, p);
    Holiday h;
    const toml::node* date = t.get("date");
    if (date == nullptr) p.Add(&t, prefix + ".date", "required");
    if (date != nullptr) h.from_day = ParseDay(date, prefix + ".date", p).value_or(0);
    h.until_day = h.from_day;
    if (const toml::node* n = t.get("until")) {
      h.until_day = ParseDay(n, prefix + ".until", p).value_or(0);
      if (p.ok() && h.until_day < h.from_day) p.Add(n, prefix + ".until", "is before date");
    }
    h.name = t["name"].value_or(std::string("libur"));
    h.units = ReadUnits(t, prefix, p);
    out->push_back(std::move(h));
  }
}

bool Applies(const std::vector<std::string>& units, std::string_view unit) {
  if (units.empty()) return true;
  for (const auto& u : units) {
    if (u == unit) return true;
  }
  return false;
}

}  // namespace

int64_t DayStart(int64_t cs) { return (cs >= 0 ? cs / 86400 : (cs - 86399) / 86400) * 86400; }

int Weekday(int64_t cs) {
  int64_t days = DayStart(cs) / 86400;  // 1970-01-01 was a Thursday
  return static_cast<int>(((days + 4) % 7 + 7) % 7);
}

DayPlan Schedule::PlanFor(std::string_view unit, int64_t day) const {
  std::string name = default_profile_;
  for (const auto& r : rules_) {
    if (day >= r.from_day && day <= r.until_day && Applies(r.units, unit)) name = r.profile;
  }
  DayPlan plan;
  plan.profile = name;
  const Profile& prof = profiles_.find(name)->second;
  if (!prof.shifts.empty()) {
    plan.kind = DayPlan::Kind::kShift;
    plan.shifts = prof.shifts;
    return plan;
  }
  for (const auto& h : holidays_) {
    if (day >= h.from_day && day <= h.until_day && Applies(h.units, unit)) {
      plan.kind = DayPlan::Kind::kHoliday;
      plan.holiday = h.name;
      return plan;
    }
  }
  if (const auto& hours = prof.week[Weekday(day)]) {
    plan.kind = DayPlan::Kind::kWorking;
    plan.hours = *hours;
  }
  return plan;
}

Result<Schedule> ParseSchedule(std::string_view text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(path));
  } catch (const toml::parse_error& e) {
    return Status::Invalid(path + ":" + std::to_string(e.source().begin.line) +
                           ": TOML syntax error: " + std::string(e.description()));
  }
  Problems p(path);
  Schedule s;
  CheckKeys(root, "", {"default_profile", "profile", "rule", "holiday"}, p);
  const toml::table* profiles = root["profile"].as_table();
  if (profiles == nullptr || profiles->empty()) {
    p.Add(root.get("profile"), "profile", "at least one [profile.NAME] is required");
  }
  static const toml::table kNone;
  for (const auto& [k, v] : profiles != nullptr ? *profiles : kNone) {
    std::string prefix = "profile." + std::string(k.str());
    if (!v.is_table()) {
      p.Add(&v, prefix, "expected a table");
      continue;
    }
    ReadProfile(*v.as_table(), prefix, p, &s.profiles_[std::string(k.str())]);
  }
  const toml::node* def = root.get("default_profile");
  auto def_name = root["default_profile"].value<std::string>();
  if (!def_name || !s.profiles_.count(*def_name)) {
    p.Add(def, "default_profile", "required: the name of a [profile.NAME]");
  } else {
    s.default_profile_ = *def_name;
  }
  ReadRules(root, s.profiles_, p, &s.rules_);
  ReadHolidays(root, p, &s.holidays_);
  if (!p.ok()) return p.ToStatus();
  return s;
}

Result<Schedule> LoadSchedule(const std::string& path) {
  auto text = ReadTextFile(path, kMaxScheduleBytes);
  if (!text.ok()) return text.status();
  return ParseSchedule(*text, path);
}

}  // namespace titip::aggregator
