// Daemon start-up and shutdown shared by all titip daemons.
#include <utility>

#include "titip/relay/daemon.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstring>
#include <filesystem>
#include <random>

#include "metrics_collect.h"
#include "notify_systemd.h"
#include "titip/relay/metrics.h"

#include "titip/relay/complete_through.h"
#include "titip/relay/node_loop.h"
#include "titip/relay/runtime_status.h"
#include "titip/relay/security_setup.h"
#include "titip/storage/group_commit.h"

namespace titip::relay {
namespace {

int g_stop_fd = -1;
int g_reload_fd = -1;

void OnSignal(int) {
  uint64_t one = 1;
  (void)!write(g_stop_fd, &one, sizeof one);
}

void OnReload(int) {  // SIGHUP: re-read the allowlist and the services' files
  uint64_t one = 1;
  (void)!write(g_reload_fd, &one, sizeof one);
}

const char* RoleName(config::Role r) {
  switch (r) {
    case config::Role::kGateway:
      return "titip-gateway";
    case config::Role::kRelay:
      return "titip-relay";
    case config::Role::kAggregator:
      return "titip-aggregator";
  }
  return "titip";
}

storage::Role StoreRole(config::Role r) {
  switch (r) {
    case config::Role::kGateway:
      return storage::Role::kOrigin;
    case config::Role::kRelay:
      return storage::Role::kRelay;
    case config::Role::kAggregator:
      return storage::Role::kSink;
  }
  return storage::Role::kOrigin;
}

int ExitFor(const Status& s) {
  switch (s.code()) {
    case Code::kInvalidArgument:  // a service's data file (roster, schedule) is bad
      return config::kExitConfig;
    case Code::kCorruption:
    case Code::kFailedPrecondition:
      return kExitDataErr;
    case Code::kUnavailable:
      return kExitUnavailable;
    default:
      return kExitIoErr;
  }
}

uint64_t RandomSession() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

// Delivered punches are kept while space allows (useful for re-export) and pruned, oldest
// first, once the store is half full; undelivered ones are never touched.
void Housekeeping(storage::Store& store, storage::GroupCommitter& committer, int* tick) {
  if (++*tick % 60 == 0) store.ClearStaleReaders();
  auto c = store.GetCounters();
  if (!c.ok() || c->map_used_bytes * 2 < c->map_cap_bytes) return;
  storage::WriteOp op;
  op.apply = [](storage::WriteTxn& txn) {
    uint64_t pruned = 0;
    return txn.PruneDelivered(10000, &pruned);
  };
  committer.Submit(std::move(op), nullptr);
}

// The engine's view of the store: queued punches and this node's own telemetry.
class StoreSource : public PunchSource {
 public:
  StoreSource(storage::Store& store, const Clock& clock, const TerminalBoard& terminals,
              const config::Config& cfg, config::Role role, const DaemonHooks& hooks)
      : hooks_(hooks),
        store_(store),
        clock_(clock),
        terminals_(terminals),
        role_(role),
        unit_(cfg.node.unit),
        utc_offset_min_(cfg.node.utc_offset_min) {}
  Result<size_t> FetchQueued(uint64_t after, size_t n, size_t bytes,
                             std::vector<storage::QueuedPunch>* buf) override {
    auto got = store_.FetchQueuedInto(after, n, bytes, buf);
    if (!got.ok() || !hooks_.outgoing) return got;
    // Test builds only: the hook sees exactly the batch, and may change its length.
    buf->resize(*got);
    hooks_.outgoing(buf);
    return buf->size();
  }
  Result<std::vector<wire::Seal>> SealsFor(const std::vector<wire::Punch>& punches) override {
    return store_.SealsFor(punches);
  }
  wire::Telemetry Snapshot() override {
    wire::Telemetry t;
    auto c = store_.GetCounters();
    if (!c.ok()) return t;
    t.set_queued(c->queued);
    t.set_undelivered(c->undelivered);
    t.set_bytes(c->queued_bytes);
    if (c->oldest_queued_ms) {
      t.set_oldest_queued_age_s(
          std::max<int64_t>(0, (clock_.Wall().count() - c->oldest_queued_ms) / 1000));
    }
    for (auto& ts : terminals_.ToWire(clock_.Wall().count())) *t.add_terminals() = std::move(ts);
    if (role_ == config::Role::kGateway) {  // the aggregator's deadline monitor reads these
      t.set_unit(unit_);
      t.set_complete_through(
          CompleteThrough(clock_.Wall().count(), utc_offset_min_, *c, terminals_.Snapshot()));
    }
    return t;
  }

 private:
  const DaemonHooks& hooks_;
  storage::Store& store_;
  const Clock& clock_;
  const TerminalBoard& terminals_;
  config::Role role_;
  std::string unit_;
  int utc_offset_min_;
};

int Serve(const config::Config& cfg, config::Role role, const ServiceFactory& factory,
          std::optional<NodeLoopOptions::Security> security, const DaemonHooks& hooks) {
  storage::StoreOptions so;
  so.dir = cfg.node.state_dir;
  so.node_id = cfg.node.id;
  so.initial_map_bytes = cfg.store.initial_map_mb << 20;
  so.map_cap_bytes = cfg.store.map_cap_mb << 20;
  SystemClock& clock = SystemClock::Instance();
  SystemdNotifier notifier;
  notifier.Status("verifying the store");
  if (Status v = storage::Store::Verify(so.dir); !v.ok()) {
    spdlog::critical("refusing to start: {}", v.ToString());
    return ExitFor(v);
  }
  auto store = storage::Store::Open(so, clock);
  if (!store.ok()) {
    spdlog::critical("refusing to start: {}", store.status().ToString());
    return ExitFor(store.status());
  }
  storage::Store& st = **store;
  storage::GroupCommitter committer(st, clock);
  EngineOptions eo;
  eo.node_id = cfg.node.id;
  eo.epoch = st.epoch();
  eo.role = StoreRole(role);
  eo.link_session = RandomSession();
  eo.bundle_max_punches = cfg.link.bundle_max_punches;
  eo.bundle_max_bytes = cfg.link.bundle_max_bytes;
  eo.window = cfg.link.window;
  eo.ack_timeout = std::chrono::milliseconds(cfg.link.ack_timeout_ms);
  eo.backoff_max = std::chrono::milliseconds(cfg.link.backoff_max_ms);
  eo.heartbeat = std::chrono::milliseconds(cfg.link.heartbeat_ms);
  NodeLoopOptions lo;
  lo.listen = cfg.node.listen;
  for (const auto& u : cfg.upstreams) {
    eo.upstreams.push_back({u.id, u.priority});
    lo.upstreams.push_back({u.id, u.endpoint, u.public_key});
  }
  eo.resend_after = std::chrono::seconds(cfg.link.resend_after_s);
  TerminalBoard terminals;
  MetricsBoard extra_metrics;
  std::unique_ptr<MetricsServer> metrics;
  if (!cfg.metrics_listen.empty()) {
    auto m = MetricsServer::Start(cfg.metrics_listen);
    if (!m.ok()) {
      spdlog::critical("refusing to start: {}", m.status().ToString());
      return kExitUnavailable;
    }
    metrics = std::move(*m);
    spdlog::info("metrics at http://{}/metrics", cfg.metrics_listen);
  }
  Services services;
  if (factory) {
    DaemonContext ctx{cfg, st, committer, clock, terminals, metrics ? &extra_metrics : nullptr};
    auto started = factory(ctx);
    if (!started.ok()) {
      spdlog::critical("refusing to start: {}", started.status().ToString());
      return ExitFor(started.status());
    }
    services = std::move(*started);
  }
  // Whatever happens to the loop, services stop before the committer and the store go.
  struct StopServices {
    Services& s;
    ~StopServices() {
      for (auto& x : s) x->Stop();
      s.clear();
    }
  } stop_services{services};
  StoreSource source(st, clock, terminals, cfg, role, hooks);
  if (security) {
    eo.signing_key = security->signing_key;
    eo.origin_keys = security->origin_keys;
  }
  Engine engine(eo, &source);
  lo.runtime_status_path = (std::filesystem::path(so.dir) / kRuntimeStatusFile).string();
  lo.stop_fd = g_stop_fd;
  lo.forward_committed = !hooks.outgoing;  // the hook sees every punch sent: all from the store
  lo.reload_fd = g_reload_fd;
  lo.on_reload = [&services] {
    for (auto& x : services) x->Reload();
  };
  lo.security = std::move(security);
  if (lo.security && lo.security->origin_keys) {
    lo.origin_keys_path = cfg.security->origin_keys_file;
  }
  int tick = 0;
  const char* role_name = RoleName(role) + std::strlen("titip-");
  MetricsSources msrc{cfg.node.id, role_name, st, committer, engine, terminals, clock};
  const NodeLoop* loop_ptr = nullptr;  // set below; the hooks only run inside loop.Run()
  auto publish_metrics = [&] {
    if (metrics) {
      metrics->Publish(
          RenderMetrics(CollectMetrics(msrc, loop_ptr->counters(), metrics->bad_requests())) +
          extra_metrics.Text());
    }
  };
  lo.on_second = [&] {
    notifier.Watchdog();
    Housekeeping(st, committer, &tick);
    publish_metrics();
  };
  if (role == config::Role::kGateway) {
    lo.terminals_json = [&terminals](int64_t now_ms) {
      return TerminalsStatusJson(terminals, now_ms);
    };
  }
  lo.on_ready = [&] {
    publish_metrics();
    notifier.Ready(cfg.node.id + " serving");
  };
  NodeLoop loop(lo, engine, st, committer, clock);
  loop_ptr = &loop;
  std::string ups;
  for (const auto& u : lo.upstreams) ups += (ups.empty() ? "" : ", ") + u.id + "=" + u.endpoint;
  spdlog::info("{} {} started: epoch {:016x}, store {}, listen '{}', upstreams [{}]",
               RoleName(role), cfg.node.id, st.epoch(), so.dir, lo.listen, ups);
  Status s = loop.Run();
  notifier.Stopping();
  if (!s.ok()) {
    spdlog::critical("{}", s.ToString());
    return ExitFor(s);
  }
  spdlog::info("{} {} stopped cleanly", RoleName(role), cfg.node.id);
  return 0;
}

}  // namespace

int RunDaemon(int argc, char** argv, config::Role role, ServiceFactory services,
              DaemonHooks hooks) {
  CLI::App app{std::string(RoleName(role)) + ": titip daemon"};
  std::string config_path, log_level = "info";
  app.add_option("-c,--config", config_path, "TOML config file")->required();
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kExitUsage;
  }
  spdlog::set_level(spdlog::level::from_str(log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  auto loaded = config::LoadConfig(config_path, role);
  if (!loaded.config) {
    spdlog::critical("bad config: {}", loaded.error->ToString());
    return config::kExitConfig;
  }
  std::optional<NodeLoopOptions::Security> security;
  if (!loaded.config->security) {
    spdlog::warn("no [security] section: links are plaintext and unauthenticated");
  } else {
    // Before the store opens: a leaked or broken key is a config error, exit 78 (security_setup.h).
    auto sec = LoadLinkSecurity(*loaded.config->security, !loaded.config->node.listen.empty());
    if (!sec.ok()) {
      spdlog::critical("refusing to start: {}", sec.status().message());
      return config::kExitConfig;
    }
    spdlog::info("CURVE on every link; public key {}, {} allowlisted keys", sec->keys.public_z85,
                 sec->allowlist.node_by_key.size());
    if (sec->signing_key) {
      spdlog::info("signing own punches (origin signing key {})", sec->signing_key->public_z85());
    }
    if (sec->origin_keys) {
      spdlog::info(
          "verifying origin signatures: {} nodes with registered keys; punches "
          "without a valid seal are quarantined",
          sec->origin_keys->by_node.size());
    }
    security = std::move(*sec);
  }
  g_stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  g_reload_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  struct sigaction hup = {};
  hup.sa_handler = OnReload;
  sigaction(SIGHUP, &hup, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return Serve(*loaded.config, role, services, std::move(security), hooks);
}

}  // namespace titip::relay
