// The Beast server on loopback with raw bytes: the doc's sample requests as a terminal sends
// them, keep-alive, and the bounds (oversized body, oversized headers, non-HTTP garbage)
// answered with an error, counted, and never a crash.
#include <utility>  // before Boost.Asio (Boost 1.74 + g++ 12)

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio.hpp>
#include <filesystem>

#include "titip/gateway/adms_server.h"

namespace titip::gateway {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class AdmsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = "/tmp/titip-adms-srv-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    storage::StoreOptions so;
    so.dir = dir_ + "/store";
    so.node_id = "gw-adms";
    auto s = storage::Store::Open(so, clock_);
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    committer_ = std::make_unique<storage::GroupCommitter>(*store_, clock_);
    AdmsServerOptions o;
    o.listen = "127.0.0.1:0";
    o.max_body_bytes = 64 * 1024;
    StartServer(o);
  }
  void StartServer(const AdmsServerOptions& o) {
    server_.reset();
    AdmsHandlerOptions ho;
    ho.unit = "kec-test";
    ho.serials = {"CNYG213260182"};
    auto srv = AdmsServer::Start(
        o, std::make_unique<AdmsHandler>(ho, *committer_, *store_, clock_, board_));
    ASSERT_TRUE(srv.ok()) << srv.status().ToString();
    server_ = std::move(*srv);
  }
  void TearDown() override {
    server_.reset();
    committer_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  // Writes `raw` (optionally one byte at a time) and reads until the server closes.
  std::string Exchange(const std::string& raw, bool bytewise = false) {
    asio::io_context ioc;
    tcp::socket s(ioc);
    s.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
    if (bytewise) {
      for (char c : raw) asio::write(s, asio::buffer(&c, 1));
    } else {
      asio::write(s, asio::buffer(raw));
    }
    std::string out;
    boost::system::error_code ec;
    char buf[4096];
    for (;;) {
      size_t n = s.read_some(asio::buffer(buf), ec);
      if (ec) break;
      out.append(buf, n);
    }
    return out;
  }

  ManualClock clock_;
  relay::TerminalBoard board_;
  std::string dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::GroupCommitter> committer_;
  std::unique_ptr<AdmsServer> server_;
};

TEST_F(AdmsServerTest, DocSamplesByteAtATime) {
  std::string hs =
      "GET /iclock/cdata?SN=CNYG213260182&options=all&pushver=2.2.14&language=83 HTTP/1.1\r\n"
      "Host: 58.250.50.81:8011\r\nUser-Agent: iClock Proxy/1.09\r\nConnection: close\r\n"
      "Accept: */*\r\n\r\n";
  std::string r = Exchange(hs, true);
  EXPECT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r;
  EXPECT_NE(r.find("Content-Type: text/plain"), std::string::npos);
  EXPECT_NE(r.find("\r\n\r\nGET OPTION FROM: CNYG213260182\n"), std::string::npos) << r;
  std::string body =
      "46\t2025-01-29 06:58:48\t0\t15\t0\t0\t0\t0\t0\t0\t10881\n"
      "41\t2025-01-29 06:59:10\t0\t1\t0\t0\t0\t0\t0\t0\t10882\n";
  std::string up =
      "POST /iclock/cdata?SN=CNYG213260182&table=ATTLOG&Stamp=9999 HTTP/1.1\r\n"
      "Host: att.example.go.id\r\nUser-Agent: iClock Proxy/1.09\r\nContent-Type: text/plain\r\n"
      "Connection: close\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  r = Exchange(up, true);
  EXPECT_NE(r.find("\r\n\r\nOK: 2\n"), std::string::npos) << r;
  auto c = store_->GetCounters();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->punches, 2u);
}

TEST_F(AdmsServerTest, KeepAliveServesSeveralRequests) {
  std::string req = "GET /iclock/getrequest?SN=CNYG213260182 HTTP/1.1\r\nHost: x\r\n\r\n";
  std::string last = "GET /iclock/ping?SN=CNYG213260182 HTTP/1.1\r\nConnection: close\r\n\r\n";
  std::string r = Exchange(req + req + last);
  EXPECT_NE(r.find("DATA QUERY ATTLOG"), std::string::npos) << r;
  size_t n = 0;
  for (size_t at = 0; (at = r.find("HTTP/1.1 200", at)) != std::string::npos; ++at) ++n;
  EXPECT_EQ(n, 3u) << r;
}

TEST_F(AdmsServerTest, BoundsAndGarbageAnsweredAndCounted) {
  // Refused on the Content-Length alone, before the body is read.
  std::string r =
      Exchange("POST /iclock/cdata?SN=CNYG213260182&table=ATTLOG HTTP/1.1\r\nContent-Length: " +
               std::to_string(70 * 1024) + "\r\n\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 413", 0), 0u) << r.substr(0, 100);
  r = Exchange("GET /iclock/ping?SN=CNYG213260182 HTTP/1.1\r\nX: " + std::string(9000, 'a') +
               "\r\n\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 431", 0), 0u) << r.substr(0, 100);
  r = Exchange(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15));
  EXPECT_EQ(r.rfind("HTTP/1.1 400", 0), 0u) << r.substr(0, 100);
  auto c = server_->handler().Counters();
  EXPECT_EQ(c["rejected.body_too_large"], 1u);
  EXPECT_EQ(c["rejected.header_too_large"], 1u);
  EXPECT_EQ(c["rejected.bad_http"], 1u);
  EXPECT_EQ(store_->GetCounters()->punches, 0u);
  // Still serving.
  r = Exchange("GET /iclock/ping?SN=CNYG213260182 HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_NE(r.find("\r\n\r\nOK\n"), std::string::npos);
}

TEST_F(AdmsServerTest, PeerOverItsRateGets503CountedThenServedAgain) {
  AdmsServerOptions o;
  o.listen = "127.0.0.1:0";
  o.clock = &clock_;
  o.max_requests_per_s = 1;
  o.burst = 3;
  StartServer(o);
  std::string ping = "GET /iclock/ping?SN=CNYG213260182 HTTP/1.1\r\nHost: x\r\n\r\n";
  std::string last = "GET /iclock/ping?SN=CNYG213260182 HTTP/1.1\r\nConnection: close\r\n\r\n";
  // The clock stands still: three from the burst, the fourth refused (and the connection
  // closed after it, as for every refusal).
  std::string r = Exchange(ping + ping + ping + last);
  size_t ok = 0;
  for (size_t at = 0; (at = r.find("HTTP/1.1 200", at)) != std::string::npos; ++at) ++ok;
  EXPECT_EQ(ok, 3u) << r;
  EXPECT_NE(r.find("HTTP/1.1 503"), std::string::npos) << r;
  EXPECT_EQ(server_->handler().Counters()["rejected.rate_limited"], 1u);
  EXPECT_EQ(Exchange(last).rfind("HTTP/1.1 503", 0), 0u);
  // Two seconds later two tokens are back.
  clock_.Advance(std::chrono::seconds(2));
  EXPECT_EQ(Exchange(last).rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_EQ(Exchange(last).rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_EQ(Exchange(last).rfind("HTTP/1.1 503", 0), 0u);
  EXPECT_EQ(server_->handler().Counters()["rejected.rate_limited"], 3u);
}

}  // namespace
}  // namespace titip::gateway
