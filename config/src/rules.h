// Rules that depend on the daemon's role or span several tables (SPEC §8): which tables a role
// may have, which it must have, and cross-key consistency such as "an adms terminal needs an
// [adms] listener". Kept apart from the per-table readers so the role matrix reads in one place.
#pragma once

#include <toml++/toml.h>

#include "table_reader.h"
#include "titip/config/config.h"

namespace titip::config::internal {

// Tables a role must not have: [[terminal]] and [adms] outside a gateway, [aggregator] outside
// an aggregator, [[upstream]] on an aggregator. Run before the tables are read so the message
// is about the misplaced table, not about its contents.
void CheckRoleTables(const toml::table& root, Role role, Errors& errors);

// What a role needs once the tables are read: upstreams, node.listen, node.unit, keys that
// [security] makes mandatory, and the [adms] listener that adms terminals push to.
void CheckRoleNeeds(const toml::table& root, const Config& config, Errors& errors);

const char* RoleName(Role role);

}  // namespace titip::config::internal
