// The common body of titip-gateway, titip-relay and titip-aggregator: load the config (exit
// 78 naming file, line and key), verify and open the store (refuse a damaged one with a clear
// message), start the group committer, the engine and its ZeroMQ loop, stop cleanly on
// SIGTERM/SIGINT.
#pragma once

#include <functional>
#include <vector>

#include "titip/config/config.h"
#include "titip/relay/services.h"
#include "titip/storage/store.h"

namespace titip::relay {

// sysexits codes used by the daemons.
inline constexpr int kExitUsage = 64;
inline constexpr int kExitDataErr = 65;      // damaged store, foreign store
inline constexpr int kExitUnavailable = 69;  // cannot bind/connect
inline constexpr int kExitIoErr = 74;

// Seams for test builds only (tests/integration/tamper_relay_main.cc); production mains pass
// none. `outgoing` sees every batch of queued punches before the engine bundles it upstream:
// a test relay alters or adds punches there, as a compromised relay would.
struct DaemonHooks {
  std::function<void(std::vector<storage::QueuedPunch>*)> outgoing;
};

// `services` (may be empty) starts what runs beside the custody loop (services.h).
int RunDaemon(int argc, char** argv, config::Role role, ServiceFactory services = nullptr,
              DaemonHooks hooks = {});

}  // namespace titip::relay
