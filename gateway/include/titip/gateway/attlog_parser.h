// Decoder for the ZK-family USB export `attlog.dat` (terminal-protocols.md §4): TAB-separated
// punch lines. Pure and incremental: it takes bytes in any split, owns no file, buffers at most
// one bounded line, and turns every malformed line into a counted issue instead of an error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace titip::gateway {

// One punch as the terminal wrote it. `device_time` is civil seconds (titip/common/civil_time.h):
// the terminal's naive local time, never converted.
struct AttlogRecord {
  std::string pin;  // trimmed; 1..24 printable ASCII characters, no spaces
  int64_t device_time = 0;
  uint32_t device_id = 0;  // fields missing from the line are 0
  uint32_t status = 0;
  uint32_t verify = 0;
  uint32_t workcode = 0;
  uint64_t line = 0;  // 1-based line number in the input

  bool operator==(const AttlogRecord&) const = default;
};

// Why a line was refused. `reason` is a short fixed English phrase, never line content, so
// binary garbage cannot end up in logs or the operator's terminal.
struct AttlogIssue {
  uint64_t line = 0;
  std::string reason;

  bool operator==(const AttlogIssue&) const = default;
};

// Not thread-safe; one instance per input stream. Never throws (beyond std::bad_alloc from
// the output vector) and accepts any bytes, including NULs and invalid UTF-8.
class AttlogParser {
 public:
  // A line (bytes before LF, CR included) longer than this is garbage. Real lines are ~40
  // bytes; the cap keeps a file with no newline at all from growing memory without bound.
  static constexpr size_t kMaxLineBytes = 1024;
  // Longest PIN any known firmware writes (alphanumeric PIN option).
  static constexpr size_t kMaxPinChars = 24;
  // Issues kept with their reason; later ones are only counted in garbage_count().
  static constexpr size_t kMaxIssues = 20;

  // Consumes `bytes` and appends every record completed by a newline to `*out` (not cleared).
  // Any split of the same input yields the same records and issues. A UTF-8 BOM at the very
  // start is dropped; blank lines (only spaces/TABs) are skipped without counting as garbage.
  void Feed(std::string_view bytes, std::vector<AttlogRecord>* out);
  // Ends the input: a last line without newline is decoded into `*out`. Call once; a later
  // Feed starts a new line with numbering continued.
  void Finish(std::vector<AttlogRecord>* out);

  uint64_t lines() const { return lines_; }  // lines seen, empty ones included
  uint64_t garbage_count() const { return garbage_; }
  const std::vector<AttlogIssue>& issues() const { return issues_; }

 private:
  void ConsumeBom(std::string_view* bytes);
  void EndLine(std::vector<AttlogRecord>* out);
  void AddIssue(std::string reason);

  std::string line_;        // current line, at most kMaxLineBytes
  bool overflow_ = false;   // current line exceeded kMaxLineBytes; rest is discarded
  bool at_start_ = true;    // still inside a possible UTF-8 BOM at the very start
  size_t bom_matched_ = 0;  // BOM bytes seen so far while at_start_
  uint64_t lines_ = 0;
  uint64_t garbage_ = 0;
  std::vector<AttlogIssue> issues_;
};

}  // namespace titip::gateway
