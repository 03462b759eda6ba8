// Typed, located reads from one TOML table for the config loader. Every failure becomes a
// ConfigError naming the file, the line of the offending key and its dotted name; only the
// first error is kept and later reads become no-ops, so section parsers read straight through
// without checking after every key (the error that is reported is the first one in file order
// of processing, which is what an operator fixes first anyway).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "titip/config/config.h"

namespace titip::config::internal {

// Holds the first error of one load. Not thread-safe; one per ParseConfig call.
class Errors {
 public:
  explicit Errors(std::string file) : file_(std::move(file)) {}
  // Records the problem unless an earlier one is already recorded.
  void Add(int line, std::string key, std::string message);
  bool ok() const { return !first_.has_value(); }
  const std::optional<ConfigError>& first() const { return first_; }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::optional<ConfigError> first_;
};

// A value check: returns an error message for a bad value, nullopt for a good one.
using StringCheck = std::optional<std::string> (*)(std::string_view);

enum class Need { kOptional, kRequired };

// Reads keys of `table` (which may be null: an absent table, all keys then missing). `prefix`
// is the table's dotted name ("node", "upstream[1]"); `table_line` is where missing keys are
// reported (the table header's line, 0 for an absent table). Borrows `errors` and `table`.
class TableReader {
 public:
  TableReader(const toml::table* table, std::string prefix, int table_line, Errors& errors);

  // Reports the first key not in `allowed` (typos: "windw", "[node.extra]").
  void CheckKnownKeys(std::initializer_list<std::string_view> allowed);
  bool Has(std::string_view key) const;

  // Strings. A required key must be present and non-empty; an optional empty string counts
  // as absent. `check` runs on non-empty values only. Returns true if `*out` was set.
  bool String(std::string_view key, Need need, std::string* out, StringCheck check = nullptr);
  bool Bool(std::string_view key, bool* out);
  // Integers in [lo, hi]; floats and strings are type errors. Returns true if `*out` was set.
  template <typename T>
  bool Int(std::string_view key, int64_t lo, int64_t hi, T* out) {
    std::optional<int64_t> v = IntValue(key, lo, hi);
    if (v) *out = static_cast<T>(*v);
    return v.has_value();
  }

  // Records `message` against `key` (at the key's line, or the table's line if absent).
  void Fail(std::string_view key, std::string message);
  std::string Dotted(std::string_view key) const;
  int Line(std::string_view key) const;
  int table_line() const { return table_line_; }
  Errors& errors() { return errors_; }

 private:
  std::optional<int64_t> IntValue(std::string_view key, int64_t lo, int64_t hi);
  const toml::node* Find(std::string_view key) const;
  void WrongType(std::string_view key, const toml::node& node, std::string_view want);

  const toml::table* table_;
  std::string prefix_;
  int table_line_;
  Errors& errors_;
};

// "a string", "an integer", "a table", ... for messages.
std::string_view TypeName(toml::node_type type);
// The line a node starts on (0 when toml++ has no source for it).
int LineOf(const toml::node& node);

}  // namespace titip::config::internal
