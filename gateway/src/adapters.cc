// One entry per adapter kind; each kind lives in its own file group (zk_*, adms_*, soap_*).
#include "titip/gateway/adapters.h"

#include <spdlog/spdlog.h>

#include "titip/gateway/zk_pull.h"

namespace titip::gateway {

Result<relay::Services> StartAdapters(relay::DaemonContext& ctx) {
  relay::Services out;
  for (const auto& t : ctx.config.terminals) {
    if (t.kind == "usb") continue;
    if (t.kind == "zk") {
      out.push_back(StartZkAdapter(ctx, t));
      continue;
    }
    spdlog::warn(
        "terminal {}: kind '{}' has no adapter in this build; its punches must be "
        "imported with titipctl import",
        t.serial, t.kind);
  }
  return out;
}

}  // namespace titip::gateway
