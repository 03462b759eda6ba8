// Daemon config loading (SPEC §8): parse the TOML with toml++, then validate every table and the
// role rules, stopping at the first problem so the daemon can exit 78 with one precise message.
// Nothing here touches the paths it reads (state_dir, key files): the daemon opens them and
// reports its own I/O errors.
#include "titip/config/config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "export_section.h"
#include "rules.h"
#include "sections.h"
#include "table_reader.h"

namespace titip::config {
namespace {

using internal::Errors;

constexpr size_t kMaxConfigBytes = 1 << 20;  // a config is a page of text; refuse a stray binary

// Unknown top-level keys and tables are typos ("[metric]", "[[upstreams]]").
void CheckTopLevel(const toml::table& root, Errors& errors) {
  internal::TableReader r(&root, "", 0, errors);
  r.CheckKnownKeys({"node", "security", "upstream", "terminal", "adms", "metrics", "aggregator",
                    "store", "link", "export", "web"});
}

void Validate(const toml::table& root, Errors& errors, Config* c) {
  CheckTopLevel(root, errors);
  internal::CheckRoleTables(root, c->role, errors);
  internal::ReadNode(root, errors, &c->node);
  internal::ReadSecurity(root, errors, &c->security);
  internal::ReadUpstreams(root, errors, &c->upstreams);
  internal::ReadTerminals(root, errors, &c->terminals);
  internal::ReadListeners(root, errors, c);
  internal::ReadStore(root, errors, &c->store);
  internal::ReadLink(root, errors, &c->link);
  internal::ReadExport(root, c->role, errors, &c->postgres_export);
  if (errors.ok()) internal::CheckRoleNeeds(root, *c, errors);
}

LoadResult Fail(ConfigError error) { return LoadResult{std::nullopt, std::move(error)}; }

}  // namespace

std::string ConfigError::ToString() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  if (!key.empty()) out += "key '" + key + "': ";
  return out + message;
}

LoadResult ParseConfig(const std::string& text, const std::string& path_for_messages, Role role) {
  toml::table root;
  try {
    root = toml::parse(std::string_view(text), std::string_view(path_for_messages));
  } catch (const toml::parse_error& e) {
    int line = static_cast<int>(e.source().begin.line);
    return Fail(
        {path_for_messages, line, "", "TOML syntax error: " + std::string(e.description())});
  }
  Errors errors(path_for_messages);
  Config config;
  config.path = path_for_messages;
  config.role = role;
  Validate(root, errors, &config);
  if (!errors.ok()) return Fail(*errors.first());
  return LoadResult{std::move(config), std::nullopt};
}

LoadResult LoadConfig(const std::string& path, Role role) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail({path, 0, "", std::string("cannot open: ") + std::strerror(errno)});
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Fail({path, 0, "", "read error"});
  std::string text = std::move(buf).str();
  if (text.size() > kMaxConfigBytes) {
    return Fail({path, 0, "", "file is larger than 1 MiB; not a config"});
  }
  return ParseConfig(text, path, role);
}

}  // namespace titip::config
