// The status board's server side: a thread that every 5 s reads the telemetry (one short read
// transaction), evaluates the deadline window, counts today's arrivals (what the sink's arrival
// log gained since the last time) and renders the page and its JSON; an HttpResponder serves the
// latest copies, so a browser never touches the store. BuildBoard (board.h) holds every decision.
#include "board_service.h"

#include <spdlog/spdlog.h>

#include <mutex>

#include "titip/aggregator/arrivals.h"
#include "titip/aggregator/board.h"
#include "titip/aggregator/deadline_gauges.h"
#include "titip/relay/http_responder.h"
#include "titip/relay/periodic_worker.h"

namespace titip::aggregator {
namespace {

constexpr auto kPeriod = std::chrono::seconds(5);  // the page polls at the same pace
// Served pages and JSON: nothing is cached (the board is live), nothing from another origin.
constexpr const char* kHtmlHeaders =
    "Cache-Control: no-store\r\n"
    "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; "
    "script-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:\r\n"
    "X-Content-Type-Options: nosniff\r\n";

NodeReport ReportOf(const wire::Telemetry& t, int64_t received_at_ms) {
  NodeReport r;
  r.node = t.node();
  r.unit = t.unit();
  r.last_seen_ms = received_at_ms;
  r.queued = t.queued();
  r.undelivered = t.undelivered();
  r.oldest_queued_age_s = t.oldest_queued_age_s();
  r.terminals = t.terminals_size();
  for (const auto& term : t.terminals()) r.terminals_up += term.up() ? 1 : 0;
  for (const auto& u : t.upstreams()) {
    r.upstreams.push_back({u.id(), u.up(), u.active(), u.last_ack_age_s()});
  }
  return r;
}

class BoardService : public relay::Service {
 public:
  BoardService(relay::DaemonContext& ctx, std::function<BoardSources()> sources)
      : store_(ctx.store),
        clock_(ctx.clock),
        sink_(ctx.config.node.id),
        utc_offset_min_(ctx.config.node.utc_offset_min),
        sources_(std::move(sources)),
        gauges_(ctx.metrics),
        arrivals_(ctx.store, utc_offset_min_) {
    Update();  // the first request already gets a real board
    worker_.StartEvery(
        kPeriod, [this] { Update(); }, kPeriod);
  }
  ~BoardService() override { worker_.Join(); }
  void Stop() override { worker_.Stop(); }
  void Serve(std::unique_ptr<relay::HttpResponder> http) { http_ = std::move(http); }

  relay::HttpReply Reply(const std::string& path) {
    std::lock_guard<std::mutex> l(page_mu_);
    if (path == "/" || path == "/index.html") {
      return {"200 OK", "text/html; charset=utf-8", page_, kHtmlHeaders};
    }
    if (path == "/favicon.ico") return {"204 No Content", "image/x-icon", "", ""};  // browsers ask
    if (path == "/api/board") {
      return {"200 OK", "application/json", json_, "Cache-Control: no-store\r\n"};
    }
    return {"404 Not Found", "text/plain; charset=utf-8", "not found: try / or /api/board\n", ""};
  }

 private:
  void Update() {
    src_ = sources_();
    BoardInput in;
    in.sink = sink_;
    in.roster_units = src_.units;
    std::vector<GatewayReport> gws;  // the deadline monitor's view of the same records
    Status s = store_.ForEachTelemetry([&](const wire::Telemetry& t, int64_t received_at_ms) {
      in.nodes.push_back(ReportOf(t, received_at_ms));
      if (!t.unit().empty()) {
        gws.push_back({t.node(), t.unit(), t.complete_through(), t.queued(), t.undelivered(),
                       received_at_ms});
      }
      return true;
    });
    if (!s.ok()) {
      spdlog::warn("status board: cannot read telemetry: {}", s.ToString());
      return;  // the last board stays; its "updated" time shows it is old
    }
    in.now_ms = clock_.Wall().count();
    DeadlineOptions options;
    options.utc_offset_min = utc_offset_min_;
    in.deadline = EvaluateRecentDeadlines(src_.units, gws, in.now_ms, options);
    // One evaluation for both: the gauges on /metrics are this window (see deadline_service.h).
    if (gauges_) gauges_->Publish("deadline", RenderDeadlineGauges(in.deadline));
    // On failure the counts so far stay (the next update goes on from where this one stopped).
    if (Status a = arrivals_.Update(in.now_ms, src_.terminal_units); !a.ok()) {
      spdlog::warn("status board: cannot count today's arrivals: {}", a.ToString());
    }
    in.arrivals_today = arrivals_.today();
    Board board = BuildBoard(in);
    std::string page = BoardPage(board, utc_offset_min_);
    std::string json = BoardJson(board, utc_offset_min_);
    std::lock_guard<std::mutex> l(page_mu_);
    page_ = std::move(page);
    json_ = std::move(json);
  }

  storage::Store& store_;
  const Clock& clock_;
  std::string sink_;
  int utc_offset_min_;
  std::function<BoardSources()> sources_;
  relay::MetricsBoard* gauges_;  // null when the daemon serves no /metrics
  BoardSources src_;             // this recompute's roster view
  ArrivalCounter arrivals_;
  std::mutex page_mu_;  // guards page_ and json_ (the responder's thread reads them)
  std::string page_, json_;
  relay::PeriodicWorker worker_;
  std::unique_ptr<relay::HttpResponder> http_;  // last: stops serving before the rest goes
};

}  // namespace

Result<std::unique_ptr<relay::Service>> StartBoard(relay::DaemonContext& ctx,
                                                   std::function<BoardSources()> sources) {
  const std::string listen = ctx.config.web_listen;
  if (listen.empty()) return std::unique_ptr<relay::Service>();
  auto board = std::make_unique<BoardService>(ctx, std::move(sources));
  auto http = relay::HttpResponder::Start(
      listen, [p = board.get()](const std::string& path) { return p->Reply(path); },
      "web (status board)");
  if (!http.ok()) return http.status();
  spdlog::info("status board at http://{}/", listen);
  board->Serve(std::move(*http));
  return std::unique_ptr<relay::Service>(std::move(board));
}

}  // namespace titip::aggregator
