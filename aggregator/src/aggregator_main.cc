// titip-aggregator: the sink at Sengeti. Final custody, exactly-once store, receipts back to
// every origin. The recap and the deadline table are computed by titipctl from the store; the
// daemon checks at start that the roster and schedule it is configured with are valid, so a
// typo is found when the service starts, not when BKD asks for the first recap, and keeps the
// per-unit deadline gauges on /metrics current, and serves the status board ([web] listen).
#include <spdlog/spdlog.h>

#include "board_service.h"
#include "deadline_service.h"
#include "titip/aggregator/roster.h"
#include "titip/aggregator/schedule.h"
#include "titip/relay/daemon.h"

namespace {

titip::Result<titip::relay::Services> StartServices(titip::relay::DaemonContext& ctx) {
  using titip::Status;
  const auto& cfg = ctx.config;
  std::vector<std::string> units;
  titip::aggregator::BoardSources board;
  if (!cfg.roster_file.empty()) {
    auto r = titip::aggregator::LoadRoster(cfg.roster_file);
    if (!r.ok()) return Status::Invalid("roster_file: " + r.status().message());
    spdlog::info("roster {}: {} enrolments in {} units", cfg.roster_file, r->entries().size(),
                 r->Units().size());
    units = r->Units();
    for (const auto& e : r->entries()) board.terminal_units[e.terminal_serial] = e.unit_id;
  }
  if (!cfg.schedule_file.empty()) {
    auto s = titip::aggregator::LoadSchedule(cfg.schedule_file);
    if (!s.ok()) return Status::Invalid("schedule_file: " + s.status().message());
    spdlog::info("schedule {} loaded", cfg.schedule_file);
  }
  titip::relay::Services services;
  board.units = units;
  auto b = titip::aggregator::StartBoard(ctx, std::move(board));
  if (!b.ok()) return b.status();
  if (*b) services.push_back(std::move(*b));
  if (auto g = titip::aggregator::StartDeadlineGauges(ctx, std::move(units))) {
    services.push_back(std::move(g));
  }
  return services;
}

}  // namespace

int main(int argc, char** argv) {
  return titip::relay::RunDaemon(argc, argv, titip::config::Role::kAggregator, StartServices);
}
