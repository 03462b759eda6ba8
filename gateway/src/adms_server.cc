// Boost.Beast glue for the ADMS server: accept, read one bounded request, hand it to the
// handler, write its reply from the I/O thread (the handler may answer from the committer's
// thread: the reply is posted back), keep-alive or close as the terminal asked.
#include <utility>  // before Boost.Asio (Boost 1.74 + g++ 12)

#include "titip/gateway/adms_server.h"

#include "titip/gateway/peer_rate_limit.h"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <thread>

namespace titip::gateway {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, AdmsHandler& handler, const AdmsServerOptions& o,
          PeerRateLimit* limit)
      : stream_(std::move(socket)), handler_(handler), options_(o), limit_(limit) {}

  void Read() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(options_.max_header_bytes));
    parser_->body_limit(options_.max_body_bytes);
    stream_.expires_after(std::chrono::seconds(options_.read_timeout_s));
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

 private:
  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
      return Close();
    }
    if (ec) {
      std::string reason = ec == http::error::body_limit     ? "body_too_large"
                           : ec == http::error::header_limit ? "header_too_large"
                                                             : "bad_http";
      int status = reason == "body_too_large" ? 413 : reason == "header_too_large" ? 431 : 400;
      handler_.CountRejected(reason);
      spdlog::warn("adms: refused a request from {}: {}", Peer(), ec.message());
      keep_alive_ = false;
      return Write({status, "ERROR: " + reason + "\n", ""});
    }
    auto& req = parser_->get();
    keep_alive_ = req.keep_alive();
    if (limit_ && !limit_->Allow(PeerAddress(), options_.clock->Mono())) {
      // 503 makes a terminal keep its rows and retry after ErrorDelay: nothing is lost.
      handler_.CountRejected("rate_limited");
      if (++rate_limited_ == 1) {
        spdlog::warn("adms: {} is over {} requests/s; refusing with 503 (counted)", Peer(),
                     options_.max_requests_per_s);
      }
      return Write({503, "ERROR: rate_limited\n", ""});
    }
    AdmsRequest r{std::string(req.method_string()), std::string(req.target()),
                  std::move(req.body())};
    auto ex = stream_.get_executor();
    handler_.Handle(r, [self = shared_from_this(), ex](AdmsResponse resp) {
      asio::post(ex, [self, resp = std::move(resp)]() mutable { self->Write(std::move(resp)); });
    });
  }

  void Write(AdmsResponse r) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    res->set(http::field::content_type, "text/plain");
    res->set(http::field::server, "titip-gateway");
    if (!r.date.empty()) res->set(http::field::date, r.date);
    res->body() = std::move(r.body);
    res->keep_alive(keep_alive_);
    res->prepare_payload();
    stream_.expires_after(std::chrono::seconds(options_.read_timeout_s));
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, size_t) {
                        if (ec || !self->keep_alive_) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  std::string PeerAddress() {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    return ec ? "?" : ep.address().to_string();
  }

  std::string Peer() {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    return ec ? "?" : ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  AdmsHandler& handler_;
  const AdmsServerOptions& options_;
  PeerRateLimit* limit_;  // null: no limit
  uint64_t rate_limited_ = 0;
  bool keep_alive_ = false;
};

}  // namespace

class AdmsServer::Impl {
 public:
  Impl(AdmsServerOptions o, std::unique_ptr<AdmsHandler> h)
      : options_(std::move(o)), handler_(std::move(h)), acceptor_(ioc_), tick_(ioc_) {
    if (options_.clock && options_.max_requests_per_s > 0) {
      limit_ = std::make_unique<PeerRateLimit>(options_.max_requests_per_s, options_.burst);
    }
  }

  Status Bind() {
    size_t colon = options_.listen.rfind(':');
    if (colon == std::string::npos) return Status::Invalid("adms listen must be HOST:PORT");
    std::string host = options_.listen.substr(0, colon), port = options_.listen.substr(colon + 1);
    beast::error_code ec;
    tcp::resolver resolver(ioc_);
    auto results = resolver.resolve(host, port, ec);
    if (ec || results.empty()) {
      return Status::Unavailable("adms: cannot resolve " + options_.listen + ": " + ec.message());
    }
    tcp::endpoint ep = *results.begin();
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      return Status::Unavailable("adms: cannot listen on " + options_.listen + ": " + ec.message());
    port_ = acceptor_.local_endpoint().port();
    return Status::Ok();
  }

  void Run() {
    Accept();
    Tick();
    thread_ = std::thread([this] { ioc_.run(); });
  }

  void Stop() {
    if (stopped_) return;
    stopped_ = true;
    asio::post(ioc_, [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
      tick_.cancel();
    });
    handler_->Shutdown();
    ioc_.stop();
    if (thread_.joinable()) thread_.join();
  }

  void Accept() {
    acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) std::make_shared<Session>(std::move(s), *handler_, options_, limit_.get())->Read();
      Accept();
    });
  }

  void Tick() {
    tick_.expires_after(std::chrono::seconds(5));
    tick_.async_wait([this](beast::error_code ec) {
      if (ec) return;
      handler_->Tick();
      Tick();
    });
  }

  AdmsServerOptions options_;
  std::unique_ptr<AdmsHandler> handler_;
  std::unique_ptr<PeerRateLimit> limit_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  asio::steady_timer tick_;
  std::thread thread_;
  uint16_t port_ = 0;
  bool stopped_ = false;
};

Result<std::unique_ptr<AdmsServer>> AdmsServer::Start(const AdmsServerOptions& options,
                                                      std::unique_ptr<AdmsHandler> handler) {
  auto impl = std::make_unique<Impl>(options, std::move(handler));
  if (Status s = impl->Bind(); !s.ok()) return s;
  impl->Run();
  spdlog::info("adms: push server listening on {} (port {})", options.listen, impl->port_);
  return std::unique_ptr<AdmsServer>(new AdmsServer(std::move(impl)));
}

AdmsServer::AdmsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AdmsServer::~AdmsServer() { Stop(); }
void AdmsServer::Stop() { impl_->Stop(); }
uint16_t AdmsServer::port() const { return impl_->port_; }
AdmsHandler& AdmsServer::handler() { return *impl_->handler_; }

Result<std::unique_ptr<relay::Service>> StartAdmsService(relay::DaemonContext& ctx) {
  AdmsHandlerOptions ho;
  ho.unit = ctx.config.node.unit;
  ho.handshake.utc_offset_min = ctx.config.node.utc_offset_min;
  for (const auto& t : ctx.config.terminals) {
    if (t.kind == "adms") ho.serials.insert(t.serial);
  }
  auto handler =
      std::make_unique<AdmsHandler>(ho, ctx.committer, ctx.store, ctx.clock, ctx.terminals);
  AdmsServerOptions so;
  so.listen = ctx.config.adms_listen;
  so.clock = &ctx.clock;
  auto server = AdmsServer::Start(so, std::move(handler));
  if (!server.ok()) return server.status();
  return std::unique_ptr<relay::Service>(std::move(*server));
}

}  // namespace titip::gateway
