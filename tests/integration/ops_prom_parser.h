// A strict parser of the Prometheus text exposition format 0.0.4, written for the tests (the
// scraper's behaviour, not our renderer, is the reference): every sample belongs to a family
// declared by a preceding `# TYPE`, a family's lines are contiguous, HELP/TYPE at most once,
// names and label names match the official regexes, label values use only the \\ \" \n
// escapes, values are Go-parsable floats, no series appears twice. On top of the format, our
// conventions: `titip_` prefix, counters end in `_total` and are never negative.
#pragma once

#include <limits>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace titip::testing {

struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct PromParse {
  std::string error;  // empty when valid; else "line N: why"
  std::map<std::string, std::string> types;
  std::vector<PromSample> samples;
  // The value of the series, or nullopt.
  std::optional<double> Get(const std::string& name,
                            const std::map<std::string, std::string>& labels = {}) const {
    for (const auto& s : samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
    return std::nullopt;
  }
};

namespace prom_detail {

inline bool ParseValue(const std::string& v, double* out) {
  static const std::regex kFloat(R"([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)");
  if (v == "NaN") return *out = std::numeric_limits<double>::quiet_NaN(), true;
  if (v == "+Inf" || v == "Inf") return *out = std::numeric_limits<double>::infinity(), true;
  if (v == "-Inf") return *out = -std::numeric_limits<double>::infinity(), true;
  if (!std::regex_match(v, kFloat)) return false;
  *out = std::stod(v);
  return true;
}

// Parses `{a="x",b="y"}` starting at line[i] == '{'; advances i past '}'.
inline std::string ParseLabels(const std::string& line, size_t& i,
                               std::map<std::string, std::string>* labels) {
  static const std::regex kLabel("[a-zA-Z_][a-zA-Z0-9_]*");
  ++i;
  while (i < line.size() && line[i] != '}') {
    size_t eq = line.find('=', i);
    if (eq == std::string::npos) return "label without '='";
    std::string name = line.substr(i, eq - i);
    if (!std::regex_match(name, kLabel) || name.rfind("__", 0) == 0) return "bad label " + name;
    i = eq + 1;
    if (i >= line.size() || line[i] != '"') return "label value not quoted";
    std::string value;
    for (++i;; ++i) {
      if (i >= line.size()) return "unterminated label value";
      char c = line[i];
      if (c == '"') break;
      if (c == '\\') {
        if (++i >= line.size()) return "dangling escape";
        if (line[i] == 'n')
          value += '\n';
        else if (line[i] == '\\' || line[i] == '"')
          value += line[i];
        else
          return std::string("bad escape \\") + line[i];
      } else {
        value += c;
      }
    }
    ++i;  // past closing quote
    if (!labels->emplace(name, value).second) return "label " + name + " twice";
    if (i < line.size() && line[i] == ',')
      ++i;
    else if (i < line.size() && line[i] != '}')
      return "expected ',' or '}'";
  }
  if (i >= line.size()) return "unterminated label set";
  ++i;
  return "";
}

}  // namespace prom_detail

inline PromParse ParseProm(const std::string& text) {
  static const std::regex kName("[a-zA-Z_:][a-zA-Z0-9_:]*");
  static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary",
                                               "untyped"};
  PromParse r;
  if (text.empty() || text.back() != '\n') return r.error = "text must end with a newline", r;
  std::istringstream in(text);
  std::string line, current;
  std::set<std::string> closed, helped, series;
  int n = 0;
  auto fail = [&](const std::string& why) {
    r.error = "line " + std::to_string(n) + ": " + why + ": " + line;
    return r;
  };
  auto enter = [&](const std::string& family) {
    if (family == current) return true;
    if (!current.empty()) closed.insert(current);
    current = family;
    return !closed.count(family);
  };
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) return fail("blank line");
    if (line[0] == '#') {
      std::istringstream ls(line);
      std::string hash, kw, name, rest;
      ls >> hash >> kw >> name;
      if (hash != "#" || (kw != "HELP" && kw != "TYPE")) return fail("stray comment");
      if (!std::regex_match(name, kName)) return fail("bad metric name");
      if (!enter(name)) return fail("family split in two");
      std::getline(ls, rest);
      if (kw == "HELP") {
        if (!helped.insert(name).second) return fail("HELP twice");
        if (rest.size() < 2) return fail("empty HELP");
        continue;
      }
      if (r.types.count(name)) return fail("TYPE twice");
      std::string type = rest.empty() ? "" : rest.substr(1);
      if (!kTypes.count(type)) return fail("bad type");
      r.types[name] = type;
      continue;
    }
    size_t i = line.find_first_of("{ ");
    if (i == std::string::npos) return fail("no value");
    PromSample s;
    s.name = line.substr(0, i);
    if (!std::regex_match(s.name, kName)) return fail("bad metric name");
    if (!r.types.count(s.name)) return fail("sample before its # TYPE");
    if (!enter(s.name)) return fail("family split in two");
    if (line[i] == '{') {
      if (std::string e = prom_detail::ParseLabels(line, i, &s.labels); !e.empty()) return fail(e);
    }
    if (i >= line.size() || line[i] != ' ') return fail("expected one space before the value");
    std::string rest = line.substr(i + 1), value = rest, ts;
    if (size_t sp = rest.find(' '); sp != std::string::npos) {
      value = rest.substr(0, sp);
      ts = rest.substr(sp + 1);
      if (!std::regex_match(ts, std::regex("-?[0-9]+"))) return fail("bad timestamp");
    }
    if (!prom_detail::ParseValue(value, &s.value)) return fail("bad value");
    std::string key = s.name;
    for (const auto& [k, v] : s.labels) key += "\x1f" + k + "=" + v;
    if (!series.insert(key).second) return fail("duplicate series");
    // Our conventions on top of the format.
    if (s.name.rfind("titip_", 0) != 0) return fail("name without titip_ prefix");
    if (r.types[s.name] == "counter") {
      if (s.name.size() < 6 || s.name.compare(s.name.size() - 6, 6, "_total") != 0) {
        return fail("counter not ending in _total");
      }
      if (!(s.value >= 0)) return fail("negative counter");
    }
    r.samples.push_back(std::move(s));
  }
  return r;
}

}  // namespace titip::testing
