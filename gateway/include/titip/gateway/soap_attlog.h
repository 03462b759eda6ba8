// Solution X100-C / Fingerspot SOAP web service (terminal-protocols.md §3): the GetAttLog
// request exactly as the field scripts send it, and a tolerant, incremental decoder of the
// reply's <Row> elements (CRLF between rows or not, SOAP envelope or bare, attributes and
// namespace prefixes on tags, junk after the body). Pure: no socket, bounded buffers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "titip/gateway/attlog_parser.h"

namespace titip::gateway {

// The complete raw HTTP request: `POST /iWsService HTTP/1.0`, Content-Type text/xml, no Host
// (some firmware mishandles it), body + trailing CRLF. `pin` is "All" or one PIN.
std::string BuildGetAttLogRequest(uint32_t comm_key, std::string_view pin = "All");

// Decodes the bytes of the HTTP response *body* in any split.
class SoapAttLogParser {
 public:
  static constexpr size_t kMaxRowBytes = 2048;  // real rows are ~150 bytes
  static constexpr size_t kMaxIssues = 20;

  void Feed(std::string_view bytes, std::vector<AttlogRecord>* out);
  // Ends the input; an unterminated <Row> is counted as garbage.
  void Finish();

  bool saw_response() const { return saw_response_; }  // <GetAttLogResponse> seen
  uint64_t rows() const { return rows_; }
  uint64_t garbage_count() const { return garbage_; }
  const std::vector<AttlogIssue>& issues() const { return issues_; }

 private:
  void Issue(const char* reason);

  std::string buf_;
  bool saw_response_ = false;
  uint64_t rows_ = 0;
  uint64_t garbage_ = 0;
  std::vector<AttlogIssue> issues_;
};

// Decodes one `<Row>...</Row>` text; nullptr on success, else the reason.
const char* DecodeSoapRow(std::string_view row, AttlogRecord* rec);

}  // namespace titip::gateway
