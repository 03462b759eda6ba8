// Value checks for config strings. Each returns a message saying what is wrong, or nullopt for a
// good value; they know nothing about TOML or lines (TableReader adds those), so they are pure
// and reusable by titipctl.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace titip::config::internal {

// [a-z0-9-]{1,32} (SPEC §4).
std::optional<std::string> CheckNodeId(std::string_view v);
// A ZeroMQ endpoint: "tcp://HOST:PORT" (PORT 1..65535 or '*'), "ipc://PATH" or "inproc://NAME".
std::optional<std::string> CheckZmqEndpoint(std::string_view v);
// "HOST:PORT" without a scheme (HTTP listeners, terminal addresses); "[::1]:80" works too.
std::optional<std::string> CheckHostPort(std::string_view v);
// Terminal serial: 1..64 printable ASCII characters, no spaces.
std::optional<std::string> CheckSerial(std::string_view v);
// Terminal kind: zk | adms | soap | usb.
std::optional<std::string> CheckTerminalKind(std::string_view v);
// A z85-encoded CURVE public key: exactly 40 characters of the Z85 alphabet.
std::optional<std::string> CheckZ85Key(std::string_view v);
// Free text or a path: no control characters (a stray newline or tab is almost always a paste
// accident).
std::optional<std::string> CheckNoControl(std::string_view v);
// "+07:00" / "-03:30" (see ParseUtcOffset).
std::optional<std::string> CheckUtcOffset(std::string_view v);

}  // namespace titip::config::internal
