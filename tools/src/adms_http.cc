// Blocking HTTP via Boost.Beast; timeouts through SO_RCVTIMEO/SO_SNDTIMEO so a stalled server
// costs at most `timeout` per call.
#include <utility>  // before Boost.Asio (Boost 1.74 + g++ 12)

#include "adms_http.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace titip::tools {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

HttpReply HttpCall(const std::string& host, uint16_t port, const std::string& method,
                   const std::string& target, const std::string& body,
                   std::chrono::milliseconds timeout) {
  HttpReply out;
  try {
    asio::io_context ioc;
    tcp::socket sock(ioc);
    beast::error_code ec;
    tcp::endpoint ep(asio::ip::make_address(host, ec), port);
    if (ec) {
      tcp::resolver resolver(ioc);
      auto results = resolver.resolve(host, std::to_string(port));
      ep = *results.begin();
    }
    sock.open(ep.protocol());
    timeval tv{};
    tv.tv_sec = timeout.count() / 1000;
    tv.tv_usec = static_cast<suseconds_t>(timeout.count() % 1000 * 1000);
    setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(sock.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sock.connect(ep);
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, host + ":" + std::to_string(port));
    req.set(http::field::user_agent, "iClock Proxy/1.09");
    req.set(http::field::accept, "*/*");
    req.set(http::field::connection, "close");
    if (method == "POST") {
      req.set(http::field::content_type, "text/plain");
      req.body() = body;
    }
    req.prepare_payload();
    http::write(sock, req);
    beast::flat_buffer buf;
    http::response_parser<http::string_body> parser;
    parser.body_limit(8u << 20);
    http::read(sock, buf, parser);
    out.ok = true;
    out.status = static_cast<int>(parser.get().result_int());
    out.body = parser.get().body();
    sock.shutdown(tcp::socket::shutdown_both, ec);
  } catch (const std::exception& e) {
    out.ok = false;
    out.error = e.what();
  }
  return out;
}

}  // namespace titip::tools
