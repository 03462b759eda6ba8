// Decoder for the body of `POST /iclock/cdata?table=ATTLOG` (terminal-protocols.md §2.3): one
// punch per line, `PIN \t time \t Status \t Verify \t WorkCode \t Reserved... `, anything from 2
// to 12+ TAB-separated fields, LF or CRLF. Pure and incremental like AttlogParser: any split
// of the input gives the same records, one bounded line is buffered, bad lines become issues.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "titip/gateway/attlog_parser.h"

namespace titip::gateway {

// Records use AttlogRecord with device_id = 0 (ADMS lines carry none). Fields past WorkCode
// (reserved, mask, temperature, time offset, sequence number, base64 extension) are ignored:
// none of them is part of the natural key, and their meaning varies by firmware.
class AdmsAttlogParser {
 public:
  // Real lines are ~40 bytes; the base64 ExtendData field can add a few hundred.
  static constexpr size_t kMaxLineBytes = 4096;
  static constexpr size_t kMaxIssues = 20;

  void Feed(std::string_view bytes, std::vector<AttlogRecord>* out);
  void Finish(std::vector<AttlogRecord>* out);

  uint64_t lines() const { return lines_; }  // non-blank lines seen
  uint64_t garbage_count() const { return garbage_; }
  const std::vector<AttlogIssue>& issues() const { return issues_; }

 private:
  void EndLine(std::vector<AttlogRecord>* out);

  std::string line_;
  bool overflow_ = false;
  uint64_t line_no_ = 0;
  uint64_t lines_ = 0;
  uint64_t garbage_ = 0;
  std::vector<AttlogIssue> issues_;
};

// Decodes one line (no LF; a trailing CR is allowed). Returns nullptr and fills `*rec`, or the
// reason (a fixed English phrase) the line is refused.
const char* DecodeAdmsAttlogLine(std::string_view line, AttlogRecord* rec);

}  // namespace titip::gateway
