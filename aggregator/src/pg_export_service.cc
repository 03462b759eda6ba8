// The export thread: reads the sink's arrival log in short read transactions, a batch at a time,
// and hands each batch to PgExporter. It never writes the LMDB store and never holds a read
// transaction while talking to PostgreSQL, so intake does not notice it. When PostgreSQL is
// down it logs once per attempt, counts, and retries with backoff (1 s doubling to 60 s).
#include "pg_export_service.h"

#include <spdlog/spdlog.h>

#include "pg_exporter.h"
#include "titip/relay/periodic_worker.h"

namespace titip::aggregator {
namespace {

using pg::ExportCounters;
using pg::PgExporter;
using pg::PunchRow;

constexpr auto kIdlePoll = std::chrono::milliseconds(500);  // nothing new: look again soon

class PostgresExport : public relay::Service {
 public:
  PostgresExport(relay::DaemonContext& ctx, std::unique_ptr<PgExporter> exporter)
      : store_(ctx.store),
        board_(ctx.metrics),
        exporter_(std::move(exporter)),
        target_(pg::DescribeDsn(ctx.config.postgres_export->dsn)),
        batch_rows_(ctx.config.postgres_export->batch_rows) {
    spdlog::info("postgres export: to {}, {} punches per transaction", target_, batch_rows_);
    worker_.Start([this] { return Tick(); });
  }
  ~PostgresExport() override {
    worker_.Join();
    exporter_->Disconnect();  // the worker is gone: this thread may touch the connection
  }
  void Stop() override { worker_.Stop(); }

 private:
  // One step and its pause: at once after a batch, kIdlePoll when nothing is new, a growing
  // backoff after a failure.
  std::chrono::milliseconds Tick() {
    std::chrono::milliseconds pause = Step();
    Publish();
    if (pause.count() < 0) {
      backoff_ = pg::NextBackoff(backoff_);
      return backoff_;
    }
    backoff_ = {};
    return pause;
  }

  // One connect or one batch. Returns 0 to go on at once, > 0 to idle, < 0 after a failure.
  std::chrono::milliseconds Step() {
    if (!exporter_->connected()) {
      uint64_t last = 0;  // the lag keeps moving while PostgreSQL is away
      if (store_.ForEachStoredSince(cursor_, 0, nullptr, &last).ok()) {
        counters_.lag = pg::Lag(last, cursor_);
      }
      int version = 0;
      Status s = exporter_->Connect(&cursor_, &version);
      if (!s.ok()) return Fail("cannot connect to " + target_, s);
      counters_.connected = true;
      spdlog::info(
          "postgres export: connected to {} (schema version {}), resuming after sink seq {}",
          target_, version, cursor_);
    }
    std::vector<PunchRow> rows;
    uint64_t last = 0;
    Status s = store_.ForEachStoredSince(
        cursor_, batch_rows_,
        [&](uint64_t seq, const wire::Punch& p) {
          rows.push_back(pg::MapPunch(p, seq));
          return true;
        },
        &last);
    counters_.lag = pg::Lag(last, cursor_);
    if (!s.ok()) return Fail("cannot read the store", s);
    if (rows.empty()) return kIdlePoll;
    PgExporter::BatchResult r;
    if (s = exporter_->Export(rows, &r); !s.ok()) {
      counters_.connected = exporter_->connected();
      return Fail("batch after sink seq " + std::to_string(cursor_) + " not committed (" +
                      std::to_string(rows.size()) + " punches will be retried)",
                  s);
    }
    cursor_ = rows.back().sink_seq;
    counters_.exported += rows.size();
    counters_.inserted += r.inserted;
    counters_.recaps += r.recaps;
    counters_.lag = pg::Lag(last, cursor_);
    return std::chrono::milliseconds(0);
  }

  std::chrono::milliseconds Fail(const std::string& what, const Status& s) {
    ++counters_.failures;
    counters_.connected = exporter_->connected();
    // libpq messages name host and port, never the password.
    spdlog::warn("postgres export: {}: {} (failure {}; {} punches waiting)", what, s.message(),
                 counters_.failures, counters_.lag);
    return std::chrono::milliseconds(-1);
  }

  void Publish() {
    if (board_) board_->Publish("pg_export", pg::RenderMetrics(counters_));
  }

  storage::Store& store_;
  relay::MetricsBoard* board_;
  std::unique_ptr<PgExporter> exporter_;
  const std::string target_;
  const size_t batch_rows_;
  uint64_t cursor_ = 0;
  ExportCounters counters_;
  std::chrono::milliseconds backoff_{0};
  relay::PeriodicWorker worker_;  // last: joined before the rest goes
};

}  // namespace

Result<std::unique_ptr<relay::Service>> StartPostgresExport(relay::DaemonContext& ctx) {
  const auto& cfg = ctx.config;
  if (!cfg.postgres_export) return std::unique_ptr<relay::Service>();
  if (pg::DescribeDsn(cfg.postgres_export->dsn) == "(unparsable DSN)") {
    return Status::Invalid("[export.postgres] dsn: libpq cannot parse it");
  }
  Roster roster;
  if (!cfg.roster_file.empty()) {
    auto r = LoadRoster(cfg.roster_file);
    if (!r.ok()) return Status::Invalid("roster_file: " + r.status().message());
    roster = std::move(r).value();
  }
  std::unique_ptr<Schedule> schedule;
  if (!cfg.schedule_file.empty()) {
    auto s = LoadSchedule(cfg.schedule_file);
    if (!s.ok()) return Status::Invalid("schedule_file: " + s.status().message());
    schedule = std::make_unique<Schedule>(std::move(s).value());
  } else {
    spdlog::warn("postgres export: no [aggregator] schedule_file: punches only, no daily recaps");
  }
  auto exporter = std::make_unique<pg::PgExporter>(
      pg::PgExporter::Options{cfg.postgres_export->dsn, ctx.store.node_id(), ctx.store.epoch()},
      std::move(roster), std::move(schedule));
  return std::unique_ptr<relay::Service>(new PostgresExport(ctx, std::move(exporter)));
}

}  // namespace titip::aggregator
