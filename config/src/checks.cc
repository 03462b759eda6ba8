// Pure value checks for config strings; see checks.h.
#include "checks.h"

#include <array>

#include "titip/common/civil_time.h"

namespace titip::config::internal {
namespace {

bool StartsWith(std::string_view v, std::string_view prefix) {
  return v.substr(0, prefix.size()) == prefix;
}

bool ValidPort(std::string_view p) {
  if (p.empty() || p.size() > 5) return false;
  int port = 0;
  for (char c : p) {
    if (c < '0' || c > '9') return false;
    port = port * 10 + (c - '0');
  }
  return port >= 1 && port <= 65535;
}

// Splits at the last ':' so that "[::1]:80" keeps its brackets in the host part.
bool SplitHostPort(std::string_view v, std::string_view* host, std::string_view* port) {
  size_t colon = v.rfind(':');
  if (colon == std::string_view::npos) return false;
  *host = v.substr(0, colon);
  *port = v.substr(colon + 1);
  return !host->empty();
}

bool HasSpaceOrControl(std::string_view v) {
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> CheckNodeId(std::string_view v) {
  if (ValidNodeId(v)) return std::nullopt;
  return "'" + std::string(v) + "' is not a node id ([a-z0-9-], 1..32 characters)";
}

std::optional<std::string> CheckZmqEndpoint(std::string_view v) {
  const std::string hint = "'" + std::string(v) + "' is not a ZeroMQ endpoint ";
  if (HasSpaceOrControl(v)) return hint + "(contains a space or control character)";
  if (StartsWith(v, "tcp://")) {
    std::string_view host, port;
    if (!SplitHostPort(v.substr(6), &host, &port) || (port != "*" && !ValidPort(port))) {
      return hint + "(want tcp://HOST:PORT, PORT 1..65535 or *)";
    }
    return std::nullopt;
  }
  if (StartsWith(v, "ipc://") && v.size() > 6) return std::nullopt;
  if (StartsWith(v, "inproc://") && v.size() > 9) return std::nullopt;
  return hint + "(want tcp://HOST:PORT, ipc://PATH or inproc://NAME)";
}

std::optional<std::string> CheckHostPort(std::string_view v) {
  std::string_view host, port;
  if (HasSpaceOrControl(v) || v.find("://") != std::string_view::npos ||
      !SplitHostPort(v, &host, &port) || !ValidPort(port)) {
    return "'" + std::string(v) + "' is not HOST:PORT (PORT 1..65535, no scheme)";
  }
  return std::nullopt;
}

std::optional<std::string> CheckSerial(std::string_view v) {
  if (v.size() > 64) return "serial is longer than 64 characters";
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e) return "serial must be printable ASCII without spaces";
  }
  return std::nullopt;
}

std::optional<std::string> CheckTerminalKind(std::string_view v) {
  static constexpr std::array<std::string_view, 4> kKinds = {"zk", "adms", "soap", "usb"};
  for (std::string_view k : kKinds) {
    if (v == k) return std::nullopt;
  }
  return "unknown terminal kind '" + std::string(v) + "' (want zk, adms, soap or usb)";
}

std::optional<std::string> CheckZ85Key(std::string_view v) {
  static constexpr std::string_view kZ85 =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
  if (v.size() != 40)
    return "a z85 CURVE public key has 40 characters, got " + std::to_string(v.size());
  for (char c : v) {
    if (kZ85.find(c) == std::string_view::npos) return "not a z85 key (bad character)";
  }
  return std::nullopt;
}

std::optional<std::string> CheckNoControl(std::string_view v) {
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return "contains a control character";
  }
  return std::nullopt;
}

std::optional<std::string> CheckUtcOffset(std::string_view v) {
  if (ParseUtcOffset(v)) return std::nullopt;
  return "'" + std::string(v) + "' is not a UTC offset (want e.g. \"+07:00\", hours 0..14)";
}

}  // namespace titip::config::internal
