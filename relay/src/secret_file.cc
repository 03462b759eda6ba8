// See secret_file.h.
#include "secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "titip/common/text_file.h"

namespace titip::relay {

Status WriteNewFile(const std::string& path, const std::string& text, mode_t mode) {
  // The mode is set at creation so the secret is never visible, even for an instant.
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Invalid(path + " already exists; not overwriting a key");
    return Status::IoError("cannot create " + path + ": " + std::strerror(errno));
  }
  // The umask may have narrowed `mode`; the public file should be readable as asked.
  (void)fchmod(fd, mode);
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = fsync(fd) == 0 && ok;
  ok = close(fd) == 0 && ok;
  if (!ok) return Status::IoError("cannot write " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

Result<std::string> ReadSecretKeyLine(const std::string& path, const std::string& what) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Status::Invalid("cannot open " + what + " " + path + ": " + std::strerror(errno));
  struct stat st = {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return Status::Invalid(what + " " + path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::Precondition(what + " " + path + " has mode " + mode +
                                ": group/others may read it; run `chmod 600 " + path +
                                "` (and consider the key leaked if others had access)");
  }
  char buf[4096];
  ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  if (n < 0) return Status::Invalid("cannot read " + path + ": " + std::strerror(errno));
  std::istringstream in(std::string(buf, static_cast<size_t>(n)));
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    return line;
  }
  return std::string();
}

Result<std::string> ReadKeyList(const std::string& path, const std::string& what) {
  // Thousands of nodes fit in far less.
  auto text = ReadTextFile(path, size_t{16} << 20);
  if (text.ok()) return text;
  if (text.status().code() == Code::kInvalidArgument) {
    return Status::Invalid(path + " is over 16 MiB");
  }
  return Status::Invalid("cannot read " + what + " " + path);
}

}  // namespace titip::relay
