// Prometheus metrics of a daemon (`[metrics] listen`, text format 0.0.4 at /metrics). The
// event loop builds a MetricsSnapshot in its once-a-second housekeeping, renders it and
// publishes the text to the MetricsServer; the server's thread only ever serves the latest
// published text, so a scrape never touches the engine, the sockets or a store transaction.
// Names: `titip_` prefix, base units (seconds, bytes), counters end in `_total`.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "titip/common/status.h"
#include "titip/relay/engine.h"
#include "titip/relay/http_responder.h"
#include "titip/relay/node_loop.h"
#include "titip/relay/services.h"
#include "titip/storage/group_commit.h"
#include "titip/storage/store.h"

namespace titip::relay {

struct MetricsSnapshot {
  std::string node;
  std::string role;  // gateway | relay | aggregator
  int64_t wall_ms = 0;
  MonoTime now{};
  bool store_ok = false;  // false: the counters below could not be read this second
  storage::Counters store;
  storage::CommitStats commits;
  EngineCounters engine;
  LoopCounters loop;
  std::vector<LinkStatus> upstreams;
  std::map<std::string, TerminalBoard::Entry> terminals;
  uint64_t http_bad_requests = 0;  // malformed or oversized scrapes
};

// The exposition text. Pure; label values are escaped (\\, \", \n).
std::string RenderMetrics(const MetricsSnapshot& s);

// `GET|HEAD /metrics` on an HttpResponder (http_responder.h has its limits); other paths 404.
class MetricsServer {
 public:
  // Binds `host_port` ("HOST:PORT", checked by the config loader) and starts serving.
  // Unavailable when the address cannot be bound.
  static Result<std::unique_ptr<MetricsServer>> Start(const std::string& host_port);
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Thread-safe; the next scrape serves `text`.
  void Publish(std::string text);
  uint64_t bad_requests() const { return http_->bad_requests(); }
  int port() const { return http_->port(); }  // the bound port

 private:
  MetricsServer() = default;
  HttpReply Reply(const std::string& path);

  std::mutex mu_;
  std::string text_;
  std::unique_ptr<HttpResponder> http_;  // last: stops serving before text_ goes
};

}  // namespace titip::relay
