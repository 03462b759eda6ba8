#include "in_force.h"

#include <filesystem>
#include <fstream>

#include "titip/aggregator/in_force.h"
#include "titip/relay/runtime_status.h"

namespace titip::cli {

std::optional<TablesInForce> FindTablesInForce(const Context& ctx) {
  auto runtime = relay::ReadRuntimeStatusFile(ctx.RuntimeStatusPath());
  if (!runtime || !relay::RuntimeStatusFresh(*runtime, ctx.NowMs())) return std::nullopt;
  std::ifstream f(aggregator::InForcePath(ctx.state_dir, aggregator::kInForceStatus));
  if (!f) return std::nullopt;
  auto j = nlohmann::json::parse(f, nullptr, /*allow_exceptions=*/false);
  // A status left by an earlier run of the daemon says nothing about this one.
  if (!j.is_object() || j.value("pid", -1) != (*runtime)["pid"].get<int>()) return std::nullopt;
  TablesInForce t;
  std::error_code ec;
  for (auto [name, out] : {std::pair{aggregator::kInForceRoster, &t.roster},
                           std::pair{aggregator::kInForceSchedule, &t.schedule}}) {
    std::string path = aggregator::InForcePath(ctx.state_dir, name);
    if (std::filesystem::exists(path, ec)) *out = path;
  }
  return t;
}

}  // namespace titip::cli
