// Whole-file reads for the aggregator's data files.
#include "titip/aggregator/text_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace titip::aggregator {

Result<std::string> ReadTextFile(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::string why = std::strerror(errno);
    if (errno == ENOENT) return Status::NotFound(path + ": " + why);
    return Status::IoError(path + ": cannot open: " + why);
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::IoError(path + ": read error");
  std::string text = std::move(buf).str();
  if (text.size() > max_bytes) {
    return Status::Invalid(path + ": larger than " + std::to_string(max_bytes >> 20) + " MiB");
  }
  return text;
}

}  // namespace titip::aggregator
