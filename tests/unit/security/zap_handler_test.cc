// The ZAP handler and identity binding over real ZeroMQ CURVE on loopback: a CURVE server
// ROUTER set up as the node loop does it, clients as downstream nodes would be.
#include <utility>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <zmq.hpp>

#include "titip/common/clock.h"
#include "zap_handler.h"
#include "zmq_sockets.h"

namespace titip::relay {
namespace {

struct Received {
  std::string peer;
  wire::Envelope env;
};

class ZapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = NewCurveKeypair().value();
    a_ = NewCurveKeypair().value();
    b_ = NewCurveKeypair().value();
    stranger_ = NewCurveKeypair().value();
    char tmpl[] = "/tmp/titip-zap-XXXXXX";
    dir_ = mkdtemp(tmpl);
    list_path_ = dir_ + "/allowed_keys";
    WriteList("kec-a " + a_.public_z85 + "\nkec-b " + b_.public_z85 + "\n");
    zap_ = std::make_unique<ZapHandler>(ctx_, LoadAllowlist(list_path_).value(), list_path_);
    router_.emplace(MakeRouter(ctx_, 1 << 20));
    MakeCurveServer(*router_, server_.secret_z85);
    router_->bind("tcp://127.0.0.1:*");
    endpoint_ = router_->get(zmq::sockopt::last_endpoint);
  }
  void TearDown() override {
    clients_.clear();
    router_.reset();
    zap_.reset();
    std::filesystem::remove_all(dir_);
  }
  void WriteList(const std::string& text) { std::ofstream(list_path_) << text; }
  zmq::socket_t& Client(const CurveKeypair* keys) {
    clients_.push_back(MakeDealer(client_ctx_, 1 << 20));
    if (keys) MakeCurveClient(clients_.back(), *keys, server_.public_z85);
    clients_.back().connect(endpoint_);
    return clients_.back();
  }
  static void SendHello(zmq::socket_t& s, const std::string& sender,
                        const std::string& hello_node = "") {
    wire::Envelope e;
    e.set_version(kWireVersion);
    e.set_sender(sender);
    e.mutable_hello()->set_node(hello_node.empty() ? sender : hello_node);
    std::string bytes = e.SerializeAsString();
    (void)s.send(zmq::buffer(bytes), zmq::send_flags::dontwait);
  }
  // Serves the ZAP handler and the router until `want` frames arrived or `ms` passed, calling
  // `resend` every 100 ms meanwhile (DEALERs have ZMQ_IMMEDIATE: nothing queues before the
  // handshake, as in the daemons).
  std::vector<Received> Pump(size_t want, int ms, const std::function<void()>& resend) {
    std::vector<Received> got;
    for (int waited = 0; waited < ms && got.size() < want; waited += 10) {
      if (waited % 100 == 0) resend();
      std::vector<zmq::pollitem_t> items = {{zap_->socket().handle(), 0, ZMQ_POLLIN, 0},
                                            {router_->handle(), 0, ZMQ_POLLIN, 0}};
      zmq::poll(items, std::chrono::milliseconds(10));
      zap_->HandleAll(counters_);
      ReceiveAll(*router_, true, true, counters_,
                 [&](const std::string& p, const wire::Envelope& e) {
                   got.push_back({p, e});
                 });
    }
    return got;
  }

  zmq::context_t ctx_{1}, client_ctx_{1};
  std::unique_ptr<ZapHandler> zap_;
  std::optional<zmq::socket_t> router_;
  std::deque<zmq::socket_t> clients_;
  CurveKeypair server_, a_, b_, stranger_;
  std::string dir_, list_path_, endpoint_;
  LoopCounters counters_;
};

TEST_F(ZapTest, AllowlistedKeySpeaksAsItsNode) {
  zmq::socket_t& s = Client(&a_);
  auto got = Pump(1, 5000, [&] { SendHello(s, "kec-a"); });
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].env.sender(), "kec-a");
  EXPECT_EQ(counters_.zap_accepted, 1u);
  EXPECT_EQ(counters_.zap_rejected, 0u);
  EXPECT_EQ(counters_.frames_unauthenticated, 0u);
}

TEST_F(ZapTest, UnknownKeyNeverGetsAFrameThrough) {
  zmq::socket_t& s = Client(&stranger_);
  EXPECT_TRUE(Pump(1, 1500, [&] { SendHello(s, "kec-a"); }).empty());
  EXPECT_GE(counters_.zap_rejected, 1u);
  EXPECT_EQ(counters_.zap_accepted, 0u);
  EXPECT_EQ(counters_.frames_in, 0u);
}

TEST_F(ZapTest, ValidKeyClaimingAnotherNodeIsDropped) {
  zmq::socket_t& s = Client(&a_);
  auto got = Pump(1, 5000, [&] {
    SendHello(s, "kec-b");           // kec-a's key, kec-b's name
    SendHello(s, "kec-a", "kec-b");  // ... or kec-b's name only in the hello
    SendHello(s, "kec-a");           // the same connection speaking as itself still works
  });
  ASSERT_GE(got.size(), 1u);
  for (const auto& r : got) {  // only the honest frames came through
    EXPECT_EQ(r.env.sender(), "kec-a");
    EXPECT_EQ(r.env.hello().node(), "kec-a");
  }
  EXPECT_GE(counters_.frames_unauthenticated, 2u);  // both lies before the first honest frame
  EXPECT_EQ(counters_.frames_in, counters_.frames_unauthenticated + got.size());
}

TEST_F(ZapTest, PlaintextClientIsNotHeard) {
  zmq::socket_t& s = Client(nullptr);
  EXPECT_TRUE(Pump(1, 1000, [&] { SendHello(s, "kec-a"); }).empty());
  EXPECT_EQ(counters_.frames_in, 0u);
}

TEST_F(ZapTest, ReloadAdmitsANewKeyAndRevokesAnOldOne) {
  WriteList("kec-a " + a_.public_z85 + "\nkec-c " + stranger_.public_z85 + "\n");
  ASSERT_TRUE(zap_->Reload().ok());
  zmq::socket_t& c = Client(&stranger_);
  auto got = Pump(1, 5000, [&] { SendHello(c, "kec-c"); });
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].env.sender(), "kec-c");
  zmq::socket_t& b = Client(&b_);  // dropped from the list
  EXPECT_TRUE(Pump(1, 1000, [&] { SendHello(b, "kec-b"); }).empty());
  EXPECT_GE(counters_.zap_rejected, 1u);
  // A broken file keeps the list in force.
  WriteList("kec-a nonsense\n");
  Status s = zap_->Reload();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(list_path_ + ":1:"), std::string::npos) << s.message();
  zmq::socket_t& a = Client(&a_);
  EXPECT_EQ(Pump(1, 5000, [&] { SendHello(a, "kec-a"); }).size(), 1u);
}

}  // namespace
}  // namespace titip::relay
