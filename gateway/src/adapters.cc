// One entry per adapter kind; each kind lives in its own file group (zk_*, adms_*, soap_*).
#include "titip/gateway/adapters.h"

#include <spdlog/spdlog.h>

#include "titip/gateway/zk_pull.h"
#include <algorithm>

#include "titip/gateway/adms_server.h"
#include "titip/gateway/soap_puller.h"

namespace titip::gateway {

Result<relay::Services> StartAdapters(relay::DaemonContext& ctx) {
  relay::Services out;
  // adms: one push server for every adms terminal (they connect to us).
  if (std::any_of(ctx.config.terminals.begin(), ctx.config.terminals.end(),
                  [](const auto& t) { return t.kind == "adms"; })) {
    auto adms = StartAdmsService(ctx);
    if (!adms.ok()) return adms.status();
    out.push_back(std::move(*adms));
  }
  for (const auto& t : ctx.config.terminals) {
    if (t.kind == "soap") {  // one puller per terminal
      SoapPullOptions so{t.serial,
                         t.address,
                         ctx.config.node.unit,
                         t.comm_key,
                         ctx.config.node.utc_offset_min,
                         std::chrono::seconds(t.poll_interval_s)};
      auto p = std::make_unique<SoapPuller>(so, ctx.committer, ctx.clock, ctx.terminals);
      p->Start();
      out.push_back(std::move(p));
      continue;
    }
    if (t.kind == "zk") {
      out.push_back(StartZkAdapter(ctx, t));
      continue;
    }
    if (t.kind == "usb" || t.kind == "adms") continue;
    spdlog::warn(
        "terminal {}: kind '{}' has no adapter in this build; its punches must be "
        "imported with titipctl import",
        t.serial, t.kind);
  }
  return out;
}

}  // namespace titip::gateway
