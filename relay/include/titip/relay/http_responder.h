// A deliberately small HTTP/1.x responder, shared by /metrics and the aggregator's status
// board: one thread, one connection at a time, requests up to 8 KiB read within 2 s in total,
// `GET|HEAD` only (other methods 405), anything unparsable 400; always `Connection: close`.
// Enough for Prometheus, curl and a browser polling a page, and bounded so a stuck or hostile
// client costs at most 2 s and 8 KiB. The handler runs on the responder's thread and must
// only copy prepared data (never open a store transaction or touch the engine).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "titip/common/status.h"

namespace titip::relay {

struct HttpReply {
  std::string status = "200 OK";
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::string extra_headers;  // complete "Name: value\r\n" lines
};

// Called with the request path (query string removed).
using HttpHandler = std::function<HttpReply(const std::string& path)>;

class HttpResponder {
 public:
  // Binds `host_port` ("HOST:PORT", checked by the config loader; port 0 picks a free one) and
  // starts serving. Unavailable when the address cannot be bound; `what` names it in messages.
  static Result<std::unique_ptr<HttpResponder>> Start(const std::string& host_port,
                                                      HttpHandler handler, const std::string& what);
  ~HttpResponder();  // stops the thread, closes the socket
  HttpResponder(const HttpResponder&) = delete;
  HttpResponder& operator=(const HttpResponder&) = delete;

  uint64_t bad_requests() const { return bad_requests_.load(); }
  int port() const { return port_; }  // the bound port

 private:
  HttpResponder(int listen_fd, int stop_fd, int port, HttpHandler handler);
  void Serve();
  void HandleConnection(int fd);

  int listen_fd_, stop_fd_, port_;
  HttpHandler handler_;
  std::atomic<uint64_t> bad_requests_{0};
  std::thread thread_;
};

}  // namespace titip::relay
