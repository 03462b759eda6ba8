// The common body of titip-gateway, titip-relay and titip-aggregator: load the config (exit
// 78 naming file, line and key), verify and open the store (refuse a damaged one with a clear
// message), start the group committer, the engine and its ZeroMQ loop, stop cleanly on
// SIGTERM/SIGINT.
#pragma once

#include "titip/config/config.h"
#include "titip/relay/services.h"

namespace titip::relay {

// sysexits codes used by the daemons.
inline constexpr int kExitUsage = 64;
inline constexpr int kExitDataErr = 65;      // damaged store, foreign store
inline constexpr int kExitUnavailable = 69;  // cannot bind/connect
inline constexpr int kExitIoErr = 74;

// `services` (may be empty) starts what runs beside the custody loop (services.h).
int RunDaemon(int argc, char** argv, config::Role role, ServiceFactory services = nullptr);

}  // namespace titip::relay
