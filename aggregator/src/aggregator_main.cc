// titip-aggregator: the sink at Sengeti. Final custody, exactly-once store, receipts back to
// every origin. The recap and the deadline table are computed by titipctl from the store with
// the roster and schedule in force here: loaded at start (a typo is found when the service
// starts, not when BKD asks for the first recap) and on SIGHUP / `titipctl reload`
// (tables_service.h). Keeps the per-unit deadline gauges on /metrics current. With
// [export.postgres] it also streams every stored punch and the daily recaps into PostgreSQL
// (pg_export_service.h). Serves the status board ([web] listen, board_service.h).
#include <spdlog/spdlog.h>

#include "board_service.h"
#include "deadline_service.h"
#include "pg_export_service.h"
#include "tables_service.h"
#include "titip/relay/daemon.h"

namespace {

titip::Result<titip::relay::Services> StartServices(titip::relay::DaemonContext& ctx) {
  auto tables = titip::aggregator::StartTables(ctx);
  if (!tables.ok()) return tables.status();
  titip::aggregator::TablesService* t = tables->get();
  titip::relay::Services services;
  // The board and the gauges ask the tables: they go first, so they stop (and are destroyed)
  // before the tables.
  auto b = titip::aggregator::StartBoard(ctx, [t] {
    return titip::aggregator::BoardSources{t->Units(), t->TerminalUnits()};
  });
  if (!b.ok()) return b.status();
  if (*b) services.push_back(std::move(*b));
  if (!*b) {  // the board, when it runs, publishes the gauges from its own evaluation
    if (auto g = titip::aggregator::StartDeadlineGauges(ctx, [t] { return t->Units(); })) {
      services.push_back(std::move(g));
    }
  }
  auto pg = titip::aggregator::StartPostgresExport(ctx);
  if (!pg.ok()) return pg.status();
  if (*pg) services.push_back(std::move(pg).value());
  services.push_back(std::move(tables).value());
  return services;
}

}  // namespace

int main(int argc, char** argv) {
  return titip::relay::RunDaemon(argc, argv, titip::config::Role::kAggregator, StartServices);
}
