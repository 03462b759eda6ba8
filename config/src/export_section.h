// [export.postgres] (config.h PostgresExportConfig): its own reader so the export's keys live
// beside their checks.
#pragma once

#include <optional>

#include <toml++/toml.h>

#include "table_reader.h"
#include "titip/config/config.h"

namespace titip::config::internal {

// Reads [export] and its [export.postgres]; refused outside an aggregator config.
void ReadExport(const toml::table& root, Role role, Errors& errors,
                std::optional<PostgresExportConfig>* out);

// The DSN check: non-empty (the reader's job), no control characters, at most 4096 bytes, and
// either a postgres(ql):// URI or key=value pairs. The message never repeats the value.
std::optional<std::string> CheckPostgresDsn(std::string_view v);

}  // namespace titip::config::internal
