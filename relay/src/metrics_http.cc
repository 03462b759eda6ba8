// /metrics: the latest exposition text published by the event loop, served by an
// HttpResponder. The handler only copies the text under a mutex.
#include "titip/relay/metrics.h"

namespace titip::relay {

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(const std::string& host_port) {
  std::unique_ptr<MetricsServer> s(new MetricsServer());
  auto http = HttpResponder::Start(
      host_port, [p = s.get()](const std::string& path) { return p->Reply(path); }, "metrics");
  if (!http.ok()) return http.status();
  s->http_ = std::move(*http);
  return s;
}

void MetricsServer::Publish(std::string text) {
  std::lock_guard l(mu_);
  text_ = std::move(text);
}

HttpReply MetricsServer::Reply(const std::string& path) {
  if (path != "/metrics") return {"404 Not Found", "text/plain", "try /metrics\n", ""};
  std::lock_guard l(mu_);
  return {"200 OK", "text/plain; version=0.0.4; charset=utf-8", text_, ""};
}

}  // namespace titip::relay
