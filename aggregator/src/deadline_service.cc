#include "deadline_service.h"

#include <spdlog/spdlog.h>

#include "titip/aggregator/deadline.h"
#include "titip/aggregator/deadline_gauges.h"
#include "titip/relay/periodic_worker.h"

namespace titip::aggregator {
namespace {

constexpr auto kPeriod = std::chrono::seconds(5);  // a few dozen telemetry rows: cheap

class DeadlineGauges : public relay::Service {
 public:
  DeadlineGauges(relay::DaemonContext& ctx, std::function<std::vector<std::string>()> units)
      : store_(ctx.store), clock_(ctx.clock), board_(*ctx.metrics), units_(std::move(units)) {
    options_.utc_offset_min = ctx.config.node.utc_offset_min;
    worker_.StartEvery(kPeriod, [this] { Update(); });
  }
  void Stop() override { worker_.Stop(); }

 private:
  void Update() {
    std::vector<GatewayReport> gws;
    Status s = store_.ForEachTelemetry([&](const wire::Telemetry& t, int64_t received_at_ms) {
      gws.push_back(
          {t.node(), t.unit(), t.complete_through(), t.queued(), t.undelivered(), received_at_ms});
      return true;
    });
    if (!s.ok()) {
      spdlog::warn("deadline gauges: cannot read telemetry: {}", s.ToString());
      return;  // the last published gauges stay: stale beats absent for an alert
    }
    auto rows = EvaluateRecentDeadlines(units_(), gws, clock_.Wall().count(), options_);
    board_.Publish("deadline", RenderDeadlineGauges(rows));
  }

  storage::Store& store_;
  const Clock& clock_;
  relay::MetricsBoard& board_;
  std::function<std::vector<std::string>()> units_;
  DeadlineOptions options_;
  relay::PeriodicWorker worker_;  // last: joined before the rest goes
};

}  // namespace

std::unique_ptr<relay::Service> StartDeadlineGauges(
    relay::DaemonContext& ctx, std::function<std::vector<std::string>()> units) {
  if (!ctx.metrics) return nullptr;
  return std::make_unique<DeadlineGauges>(ctx, std::move(units));
}

}  // namespace titip::aggregator
