// Writes punches as a ZK USB export `attlog.dat` (terminal-protocols.md §4), byte for byte the
// way terminals do: PIN right-aligned to 9 columns, TAB separators, CRLF (or LF on request).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>

#include "titip/common/status.h"
#include "titip/tools/workload.h"

namespace titip::tools {

enum class LineEnding { kCrlf, kLf };

// "     1001\t2024-03-15 07:21:05\t1\t0\t1\t0\r\n". PINs of 9 or more characters are not padded.
std::string FormatAttlogLine(const Punch& p, LineEnding eol = LineEnding::kCrlf);

// Owns one output file; not thread-safe. The file is complete only after Close() returns OK.
class AttlogFileWriter {
 public:
  // Creates or truncates `path`.
  static Result<std::unique_ptr<AttlogFileWriter>> Create(const std::string& path, LineEnding eol);
  ~AttlogFileWriter();
  AttlogFileWriter(const AttlogFileWriter&) = delete;
  AttlogFileWriter& operator=(const AttlogFileWriter&) = delete;

  Status Append(const Punch& p);
  // Flushes and closes; reports a full disk or I/O error that buffered writes hid.
  Status Close();
  uint64_t count() const { return count_; }

 private:
  AttlogFileWriter(std::FILE* f, std::string path, LineEnding eol)
      : file_(f), path_(std::move(path)), eol_(eol) {}

  std::FILE* file_;
  std::string path_;
  LineEnding eol_;
  uint64_t count_ = 0;
};

}  // namespace titip::tools
