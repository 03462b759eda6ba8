// TCP transport of titip-termsim's ZK face (terminal-protocols.md §1.11 pacing).
#pragma once

#include <cstdint>
#include <string>

#include "titip/common/status.h"
#include "zk_device.h"

namespace titip::tools {

struct ZkServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 4370;   // 0 = any free port (printed on stdout)
  int frame_gap_ms = 10;  // the JS clients parse one frame per socket read: never coalesce
};

// Accepts connections forever, one thread each; prints "listening on HOST:PORT" once bound.
// Returns only when binding fails.
Status RunZkServer(ZkDevice& device, const ZkServerOptions& options);

}  // namespace titip::tools
