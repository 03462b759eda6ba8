// Whole-file reads for small data files (tables, key lists).
#include "titip/common/text_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace titip {

Result<std::string> ReadTextFile(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    std::string why = std::strerror(errno);
    if (errno == ENOENT) return Status::NotFound(path + ": " + why);
    return Status::IoError(path + ": cannot open: " + why);
  }
  // Bounded before reading; a stream that cannot tell its size (a pipe) is bounded after.
  const std::streamoff size = in.tellg();
  auto too_large = [&] {
    return Status::Invalid(path + ": larger than " + std::to_string(max_bytes >> 20) + " MiB");
  };
  if (size > 0 && static_cast<size_t>(size) > max_bytes) return too_large();
  if (size >= 0) in.seekg(0);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::IoError(path + ": read error");
  std::string text = std::move(buf).str();
  if (text.size() > max_bytes) return too_large();
  return text;
}

}  // namespace titip
