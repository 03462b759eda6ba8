// Typed, located reads from one TOML table; see table_reader.h.
#include "table_reader.h"

#include <utility>

namespace titip::config::internal {

void Errors::Add(int line, std::string key, std::string message) {
  if (first_) return;
  first_ = ConfigError{file_, line, std::move(key), std::move(message)};
}

std::string_view TypeName(toml::node_type type) {
  switch (type) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

int LineOf(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

TableReader::TableReader(const toml::table* table, std::string prefix, int table_line,
                         Errors& errors)
    : table_(table), prefix_(std::move(prefix)), table_line_(table_line), errors_(errors) {}

void TableReader::CheckKnownKeys(std::initializer_list<std::string_view> allowed) {
  if (table_ == nullptr) return;
  for (auto&& [key, node] : *table_) {
    bool known = false;
    for (std::string_view a : allowed) known = known || key.str() == a;
    if (known) continue;
    int line = static_cast<int>(key.source().begin.line);
    if (line == 0) line = LineOf(node);
    errors_.Add(line, Dotted(key.str()), "unknown key (typo?)");
    return;
  }
}

const toml::node* TableReader::Find(std::string_view key) const {
  return table_ == nullptr ? nullptr : table_->get(key);
}

bool TableReader::Has(std::string_view key) const { return Find(key) != nullptr; }

std::string TableReader::Dotted(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

int TableReader::Line(std::string_view key) const {
  const toml::node* node = Find(key);
  return node == nullptr ? table_line_ : LineOf(*node);
}

void TableReader::Fail(std::string_view key, std::string message) {
  errors_.Add(Line(key), Dotted(key), std::move(message));
}

void TableReader::WrongType(std::string_view key, const toml::node& node, std::string_view want) {
  Fail(key, "expected " + std::string(want) + ", got " + std::string(TypeName(node.type())));
}

bool TableReader::String(std::string_view key, Need need, std::string* out, StringCheck check) {
  const toml::node* node = Find(key);
  if (node == nullptr) {
    if (need == Need::kRequired) Fail(key, "required key is missing");
    return false;
  }
  const toml::value<std::string>* s = node->as_string();
  if (s == nullptr) {
    WrongType(key, *node, "a string");
    return false;
  }
  const std::string& text = s->get();
  if (text.empty()) {
    if (need == Need::kRequired) Fail(key, "must not be empty");
    return false;
  }
  if (check != nullptr) {
    if (std::optional<std::string> problem = check(text)) {
      Fail(key, *problem);
      return false;
    }
  }
  *out = text;
  return true;
}

bool TableReader::Bool(std::string_view key, bool* out) {
  const toml::node* node = Find(key);
  if (node == nullptr) return false;
  const toml::value<bool>* b = node->as_boolean();
  if (b == nullptr) {
    WrongType(key, *node, "a boolean (true or false)");
    return false;
  }
  *out = b->get();
  return true;
}

std::optional<int64_t> TableReader::IntValue(std::string_view key, int64_t lo, int64_t hi) {
  const toml::node* node = Find(key);
  if (node == nullptr) return std::nullopt;
  const toml::value<int64_t>* i = node->as_integer();
  if (i == nullptr) {
    WrongType(key, *node, "an integer");
    return std::nullopt;
  }
  int64_t v = i->get();
  if (v < lo || v > hi) {
    Fail(key, "value " + std::to_string(v) + " is out of range " + std::to_string(lo) + ".." +
                  std::to_string(hi));
    return std::nullopt;
  }
  return v;
}

}  // namespace titip::config::internal
