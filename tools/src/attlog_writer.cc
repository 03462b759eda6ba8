// attlog.dat writer: formatting is a pure function; the file class only adds error reporting,
// so a disk-full while generating a demo file is a clear message, not a silently short file.
#include "titip/tools/attlog_writer.h"

#include <cerrno>
#include <cstring>

#include "titip/common/civil_time.h"

namespace titip::tools {

std::string FormatAttlogLine(const Punch& p, LineEnding eol) {
  std::string line;
  if (p.pin.size() < 9) line.assign(9 - p.pin.size(), ' ');
  line += p.pin;
  line += '\t';
  line += FormatCivil(p.time, ' ');
  for (uint32_t v : {p.device_id, p.status, p.verify, p.workcode}) {
    line += '\t';
    line += std::to_string(v);
  }
  line += eol == LineEnding::kCrlf ? "\r\n" : "\n";
  return line;
}

Result<std::unique_ptr<AttlogFileWriter>> AttlogFileWriter::Create(const std::string& path,
                                                                   LineEnding eol) {
  // Binary mode: the line ending is part of the format and must not be translated.
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return Status::IoError("open " + path + ": " + std::strerror(errno));
  return std::unique_ptr<AttlogFileWriter>(new AttlogFileWriter(f, path, eol));
}

AttlogFileWriter::~AttlogFileWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

Status AttlogFileWriter::Append(const Punch& p) {
  if (file_ == nullptr) return Status::Precondition("write after close: " + path_);
  std::string line = FormatAttlogLine(p, eol_);
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size()) {
    return Status::IoError("write " + path_ + ": " + std::strerror(errno));
  }
  ++count_;
  return Status::Ok();
}

Status AttlogFileWriter::Close() {
  if (file_ == nullptr) return Status::Precondition("already closed: " + path_);
  errno = 0;
  bool ok = std::fflush(file_) == 0 && std::ferror(file_) == 0;
  int err = errno;
  if (std::fclose(file_) != 0) {
    ok = false;
    if (err == 0) err = errno;
  }
  file_ = nullptr;
  if (ok) return Status::Ok();
  return Status::IoError("close " + path_ + ": " + (err != 0 ? std::strerror(err) : "write error"));
}

}  // namespace titip::tools
