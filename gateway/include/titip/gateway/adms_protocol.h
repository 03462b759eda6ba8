// ADMS / iclock PUSH protocol texts (terminal-protocols.md §2), pure: the request target a
// terminal sends, the handshake options the gateway answers, the command and devicecmd lines.
// Nothing here owns a socket or reads a clock; every input is bounded and any bytes are safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "titip/common/status.h"

namespace titip::gateway {

// What the terminal asked for: `GET /iclock/cdata?SN=..&options=all` and friends.
struct IclockTarget {
  std::string endpoint;      // the part after "/iclock/": "cdata", "getrequest", "devicecmd", ...
  std::string sn;            // SN parameter, validated like a config serial
  std::string table;         // "ATTLOG", "OPERLOG", "options", ...; empty when absent
  std::string stamp;         // Stamp parameter as sent ("9999"); empty when absent
  bool options_all = false;  // options=all: the handshake
  std::map<std::string, std::string> params;  // every parameter, keys lower-cased, %-decoded
};

inline constexpr size_t kMaxIclockTargetBytes = 4096;
inline constexpr size_t kMaxSerialChars = 64;

// Parses an HTTP request target. kInvalidArgument (fixed English reason, never the input
// itself) when the path is not under /iclock/, a parameter is malformed, SN is missing or not
// 1..64 printable ASCII without spaces, or the target exceeds kMaxIclockTargetBytes.
Result<IclockTarget> ParseIclockTarget(std::string_view target);

// The option block of the handshake reply (§2.2). Defaults are what the gateway sends; see
// HandshakeReply for why.
struct HandshakeOptions {
  std::string attlog_stamp = "None";  // "None" = upload whatever the gateway may lack
  int delay_s = 10;                   // getrequest poll period
  int error_delay_s = 30;             // retry after an HTTP error or a refusal
  int utc_offset_min = 420;           // becomes TimeZone (hours, or minutes if not whole)
  bool realtime = true;
};

// "GET OPTION FROM: <SN>\n" plus Key=Value lines, LF-separated.
std::string HandshakeReply(std::string_view sn, const HandshakeOptions& o);
// TimeZone value for a UTC offset: whole hours ("7"), else minutes ("330").
std::string TimeZoneOption(int utc_offset_min);

// `C:<id>:DATA QUERY ATTLOG StartTime=..\tEndTime=..` for getrequest; times are civil
// seconds (the terminal's local time).
std::string DataQueryAttlogCommand(std::string_view cmd_id, int64_t start_civil, int64_t end_civil);

// One line of a devicecmd body: `ID=<id>&Return=<code>&CMD=<desc>`.
struct DeviceCmdResult {
  std::string id;
  int64_t return_code = 0;
  std::string cmd;
};
// Parses every line that carries ID and Return; other lines (the multi-line INFO form) are
// skipped. Bounded by the body size the server accepted.
std::vector<DeviceCmdResult> ParseDeviceCmdBody(std::string_view body);

// `C:<id>:<command>` lines of a getrequest reply, as the terminal side reads them.
struct ServerCommand {
  std::string id;
  std::string command;
};
std::vector<ServerCommand> ParseGetRequestReply(std::string_view body);

// Parses `DATA QUERY ATTLOG StartTime=..\tEndTime=..` into civil seconds; false otherwise.
bool ParseDataQueryAttlog(std::string_view command, int64_t* start_civil, int64_t* end_civil);

// RFC 7231 IMF-fixdate ("Fri, 03 Jul 2015 06:53:01 GMT") for the HTTP Date header, from which
// terminals set their clock (§2).
std::string HttpDate(int64_t unix_ms);

// The terminal side of an upload reply: "OK: n" / "OK:n" / "OK" count as accepted.
bool IsOkReply(std::string_view body);

}  // namespace titip::gateway
