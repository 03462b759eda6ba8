// The ADMS push server as a daemon service: Boost.Beast HTTP on [adms] listen, one I/O
// thread, requests handed to AdmsHandler. Bounds: headers 8 KiB, bodies 1 MiB (a 128-line
// upload is ~8 KiB), 30 s to send a request, 20 requests/s per remote address (503 beyond).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "titip/gateway/adms_handler.h"
#include "titip/relay/services.h"

namespace titip::gateway {

struct AdmsServerOptions {
  std::string listen;  // "HOST:PORT"; port 0 picks a free one (tests)
  size_t max_header_bytes = 8 * 1024;
  size_t max_body_bytes = 1 << 20;
  int read_timeout_s = 30;
  // Per remote address: a terminal polls getrequest every few seconds and uploads at most a
  // few times a second even when replaying history, so 20/s with a burst of 60 never touches
  // a real one. No limit without a clock or with max_requests_per_s <= 0.
  double max_requests_per_s = 20;
  double burst = 60;
  const Clock* clock = nullptr;
};

class AdmsServer : public relay::Service {
 public:
  // Binds and starts serving; kUnavailable when the address cannot be bound.
  static Result<std::unique_ptr<AdmsServer>> Start(const AdmsServerOptions& options,
                                                   std::unique_ptr<AdmsHandler> handler);
  ~AdmsServer() override;
  void Stop() override;
  uint16_t port() const;
  AdmsHandler& handler();

  class Impl;

 private:
  explicit AdmsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The gateway's ADMS service for ctx.config (nullptr-free: call only when some terminal has
// kind "adms").
Result<std::unique_ptr<relay::Service>> StartAdmsService(relay::DaemonContext& ctx);

}  // namespace titip::gateway
