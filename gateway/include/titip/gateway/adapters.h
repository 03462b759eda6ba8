// The gateway's terminal adapters as daemon services (titip/relay/services.h): one per
// configured [[terminal]] that the gateway itself talks to (zk, soap pull; adms terminals
// share one push server). usb terminals need no service: `titipctl import` writes to the
// store directly.
#pragma once

#include "titip/relay/services.h"

namespace titip::gateway {

Result<relay::Services> StartAdapters(relay::DaemonContext& ctx);

}  // namespace titip::gateway
