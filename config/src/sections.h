// One reader per config table ([node], [[upstream]], [link], ...). Each checks its keys' names,
// types and ranges and fills its part of Config; errors go to `errors` (first one wins). Rules
// that span tables or depend on the role live in rules.h.
#pragma once

#include <toml++/toml.h>

#include "table_reader.h"
#include "titip/config/config.h"

namespace titip::config::internal {

// Returns root[name] as a table, nullptr when absent; a non-table is reported as a type error.
const toml::table* TableAt(const toml::table& root, std::string_view name, Errors& errors);
// Returns root[name] as an array of tables ([[name]]), nullptr when absent or malformed.
const toml::array* TableArrayAt(const toml::table& root, std::string_view name, Errors& errors);

void ReadNode(const toml::table& root, Errors& errors, NodeConfig* out);
void ReadSecurity(const toml::table& root, Errors& errors, std::optional<SecurityConfig>* out);
void ReadUpstreams(const toml::table& root, Errors& errors, std::vector<UpstreamConfig>* out);
void ReadTerminals(const toml::table& root, Errors& errors, std::vector<TerminalConfig>* out);
// [adms], [metrics] and [aggregator]: the small optional tables.
void ReadListeners(const toml::table& root, Errors& errors, Config* out);
void ReadStore(const toml::table& root, Errors& errors, StoreConfig* out);
void ReadLink(const toml::table& root, Errors& errors, LinkConfig* out);

}  // namespace titip::config::internal
