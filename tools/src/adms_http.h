// A minimal blocking HTTP/1.1 client for the simulated terminals: one connection per request
// with `Connection: close`, as ADMS firmware does, and a send/receive timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace titip::tools {

struct HttpReply {
  bool ok = false;  // a complete HTTP response arrived
  int status = 0;
  std::string body;
  std::string error;  // when !ok
};

HttpReply HttpCall(const std::string& host, uint16_t port, const std::string& method,
                   const std::string& target, const std::string& body,
                   std::chrono::milliseconds timeout);

}  // namespace titip::tools
