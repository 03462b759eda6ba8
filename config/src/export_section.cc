// [export] holds one sink per table; today only [export.postgres]. The DSN is checked for shape
// only: whether the server answers is the exporter's business (it retries with backoff), and a
// config check must not need the database up.
#include "export_section.h"

#include "sections.h"

namespace titip::config::internal {

std::optional<std::string> CheckPostgresDsn(std::string_view v) {
  constexpr size_t kMaxDsn = 4096;
  if (v.size() > kMaxDsn) return "longer than 4096 bytes";
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (u == 0x7f || (u < 0x20 && c != ' ')) return "contains a control character";
  }
  if (v.starts_with("postgresql://") || v.starts_with("postgres://")) return std::nullopt;
  if (v.find('=') != std::string_view::npos) return std::nullopt;
  return "not a PostgreSQL connection string (want \"host=... dbname=... user=...\" or a "
         "postgresql:// URI)";
}

void ReadExport(const toml::table& root, Role role, Errors& errors,
                std::optional<PostgresExportConfig>* out) {
  if (!root.contains("export")) return;
  if (role != Role::kAggregator) {
    const toml::node* n = root.get("export");
    errors.Add(n ? LineOf(*n) : 0, "export", "[export] is only allowed in an aggregator config");
    return;
  }
  const toml::table* t = TableAt(root, "export", errors);
  if (t == nullptr) return;
  TableReader r(t, "export", LineOf(*t), errors);
  r.CheckKnownKeys({"postgres"});
  if (!t->contains("postgres")) return;
  const toml::table* pg = TableAt(*t, "postgres", errors);
  if (pg == nullptr) return;
  TableReader p(pg, "export.postgres", LineOf(*pg), errors);
  p.CheckKnownKeys({"dsn", "batch_rows"});
  PostgresExportConfig c;
  p.String("dsn", Need::kRequired, &c.dsn, CheckPostgresDsn);
  p.Int("batch_rows", 1, 100000, &c.batch_rows);
  if (errors.ok()) *out = std::move(c);
}

}  // namespace titip::config::internal
