// Reading a small text file whole, for the roster and schedule loaders.
#pragma once

#include <string>

#include "titip/common/status.h"

namespace titip::aggregator {

// The file's bytes; kNotFound when it does not exist, kIoError when it cannot be read,
// kInvalidArgument when it is larger than `max_bytes` (a stray binary, not a table).
Result<std::string> ReadTextFile(const std::string& path, size_t max_bytes);

}  // namespace titip::aggregator
