// Reading a small text file whole: the aggregator's roster and schedule, the relays' key
// allowlists and origin keys. One place checks the size before reading, so a stray binary or
// a device file named by mistake is refused instead of filling memory.
#pragma once

#include <cstddef>
#include <string>

#include "titip/common/status.h"

namespace titip {

// The file's bytes; kNotFound when it does not exist, kIoError when it cannot be opened or
// read, kInvalidArgument when it is larger than `max_bytes` (checked before reading).
Result<std::string> ReadTextFile(const std::string& path, size_t max_bytes);

}  // namespace titip
