// The `queue --json` object (SPEC §9), shared by `queue` and `status`.
#pragma once

#include <nlohmann/json.hpp>

#include "context.h"

namespace titip::cli {

Result<nlohmann::json> QueueJson(Context& ctx, storage::Store& store);

}  // namespace titip::cli
