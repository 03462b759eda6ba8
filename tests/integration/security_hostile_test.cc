// Hostile input at a daemon's listening port (issue 6): oversized frames, garbage, truncated
// protobuf, multi-part junk and 10,000 random byte strings (fixed seed) from a raw ZeroMQ
// DEALER — plaintext, and with CURVE when the daemon requires it. The daemon must stay up and
// still answer a real hello, count what it dropped, and store nothing.
#include <utility>

#include <sys/wait.h>

#include <random>
#include <zmq.hpp>

#include "security_fixture.h"
#include "titip.pb.h"
#include "titip/relay/security.h"

namespace titip::testing {
namespace {

constexpr int kRandomFrames = 10000;

wire::Envelope Hello(const std::string& sender) {
  wire::Envelope e;
  e.set_version(1);
  e.set_sender(sender);
  e.mutable_hello()->set_node(sender);
  e.mutable_hello()->set_role("gateway");
  return e;
}

// A plausible bundle of real-looking punches: its truncations are the interesting junk.
std::string BundleBytes(const std::string& sender, const std::string& origin = "") {
  wire::Envelope e;
  e.set_version(1);
  e.set_sender(sender);
  wire::Bundle* b = e.mutable_bundle();
  b->set_link_session(42);
  b->set_bundle_seq(1);
  b->set_hop_limit(8);
  for (int i = 0; i < 20; ++i) {
    wire::Punch* p = b->add_punches();
    p->set_origin(origin.empty() ? sender : origin);
    p->set_epoch(7);
    p->set_seq(i + 1);
    p->set_terminal("A6F1190360012");
    p->set_pin(std::to_string(1000 + i));
    p->set_device_time(1'795'000'000 + i);
    p->set_utc_offset_min(420);
  }
  return e.SerializeAsString();
}

class HostileInput : public SecureMeshTest {
 protected:
  // Throws everything at `endpoint` through `s`; returns how many frames were sent.
  static uint64_t ThrowJunk(zmq::socket_t& s, const std::string& sender) {
    uint64_t sent = 0;
    auto send = [&](const std::string& bytes, bool more = false) {
      (void)s.send(zmq::buffer(bytes), more ? zmq::send_flags::sndmore : zmq::send_flags::none);
      if (!more) ++sent;
    };
    std::string bundle = BundleBytes(sender);
    for (size_t cut = 1; cut < bundle.size(); cut += 3) send(bundle.substr(0, cut));
    for (const char* g : {"", "\x00", "GET / HTTP/1.1\r\n\r\n", "\xff\xff\xff\xff\xff\xff\x0f"}) {
      send(std::string(g));
    }
    wire::Envelope future = Hello(sender);
    future.set_version(99);  // a version we do not speak
    send(future.SerializeAsString());
    send("part one", true);  // a DEALER frame in several parts: not our protocol
    send("part two");
    wire::Envelope packed;  // a well-formed envelope whose packed body is junk
    packed.set_version(1);
    packed.set_sender(sender);
    packed.mutable_bundle()->set_hop_limit(8);
    packed.mutable_bundle()->set_packed(std::string(300, '\x7a'));
    send(packed.SerializeAsString());
    std::mt19937 rng(20261130);
    std::uniform_int_distribution<int> len(0, 400), byte(0, 255);
    for (int i = 0; i < kRandomFrames; ++i) {
      std::string r(static_cast<size_t>(len(rng)), '\0');
      for (char& c : r) c = static_cast<char>(byte(rng));
      send(r);
    }
    return sent;
  }
  // A 33 MiB frame on its own connection: libzmq cuts it off at ZMQ_MAXMSGSIZE (32 MiB).
  static void ThrowOversized(zmq::context_t& ctx, const std::string& endpoint,
                             const relay::CurveKeypair* ours, const std::string& server_pub) {
    zmq::socket_t big(ctx, zmq::socket_type::dealer);
    big.set(zmq::sockopt::linger, 2000);
    if (ours) {
      big.set(zmq::sockopt::curve_serverkey, server_pub);
      big.set(zmq::sockopt::curve_publickey, ours->public_z85);
      big.set(zmq::sockopt::curve_secretkey, ours->secret_z85);
    }
    big.connect(endpoint);
    std::string huge(33u << 20, 'x');
    (void)big.send(zmq::buffer(huge), zmq::send_flags::none);
  }
  // The daemon still speaks the protocol: a real hello gets a hello back.
  static bool AnswersHello(zmq::socket_t& s, const std::string& sender) {
    std::string bytes = Hello(sender).SerializeAsString();
    for (int attempt = 0; attempt < 50; ++attempt) {
      (void)s.send(zmq::buffer(bytes), zmq::send_flags::dontwait);
      zmq::message_t m;
      s.set(zmq::sockopt::rcvtimeo, 200);
      while (s.recv(m)) {
        wire::Envelope e;
        if (e.ParseFromArray(m.data(), static_cast<int>(m.size())) && e.has_hello()) return true;
      }
    }
    return false;
  }
};

TEST_F(HostileInput, PlaintextDaemonSurvivesJunkAndStoresNothing) {
  int port = FreeTcpPort();
  NodeConfig("agg", "bkpsdm", port, "");
  Process agg = Start("titip-aggregator", "agg");
  ASSERT_TRUE(WaitFor([&] { return !ReadFile(dir_ + "/agg/runtime.json").empty(); }, 10000));
  zmq::context_t ctx(1);
  ThrowOversized(ctx, Endpoint(port), nullptr, "");
  zmq::socket_t s(ctx, zmq::socket_type::dealer);
  s.set(zmq::sockopt::linger, 0);
  s.connect(Endpoint(port));
  uint64_t sent = ThrowJunk(s, "kec-a");
  ASSERT_TRUE(WaitFor([&] { return Counter("agg", "frames_in") >= sent; }, 30000))
      << Counter("agg", "frames_in") << " of " << sent;
  EXPECT_TRUE(AnswersHello(s, "kec-a"));
  EXPECT_TRUE(agg.Running());
  EXPECT_GE(Counter("agg", "frames_malformed"), uint64_t{kRandomFrames} - 10);
  EXPECT_GE(Counter("agg", "bundles_refused"), 1u);  // the junk packed body
  EXPECT_TRUE(Punches(dir_ + "/agg").empty());
  agg.Signal(SIGTERM);
  int st = agg.Wait(10000);
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

TEST_F(HostileInput, CurveDaemonSurvivesJunkFromAllowedAndUnknownPeers) {
  std::string agg_pub = Keygen("agg");
  Keygen("gw");
  Keygen("stranger");
  int port = FreeTcpPort();
  NodeConfig("agg", "bkpsdm", port, Security(KeyPath("agg"), Allowlist("agg", {{"kec-a", "gw"}})));
  Process agg = Start("titip-aggregator", "agg");
  ASSERT_TRUE(WaitFor([&] { return !ReadFile(dir_ + "/agg/runtime.json").empty(); }, 10000));
  auto gw = relay::LoadSecretKeyFile(KeyPath("gw"));
  auto stranger = relay::LoadSecretKeyFile(KeyPath("stranger"));
  ASSERT_TRUE(gw.ok() && stranger.ok());
  zmq::context_t ctx(1);
  // Not heard at all: plaintext, and CURVE with an unknown key.
  zmq::socket_t plain(ctx, zmq::socket_type::dealer), unknown(ctx, zmq::socket_type::dealer);
  for (zmq::socket_t* s : {&plain, &unknown}) s->set(zmq::sockopt::linger, 0);
  unknown.set(zmq::sockopt::curve_serverkey, agg_pub);
  unknown.set(zmq::sockopt::curve_publickey, stranger->public_z85);
  unknown.set(zmq::sockopt::curve_secretkey, stranger->secret_z85);
  plain.connect(Endpoint(port));
  unknown.connect(Endpoint(port));
  for (int i = 0; i < 100; ++i) {
    std::string b = BundleBytes("kec-a");
    (void)plain.send(zmq::buffer(b), zmq::send_flags::dontwait);
    (void)unknown.send(zmq::buffer(b), zmq::send_flags::dontwait);
  }
  ThrowOversized(ctx, Endpoint(port), &*gw, agg_pub);
  ASSERT_TRUE(WaitFor([&] { return Counter("agg", "zap_rejected") >= 1; }, 10000));
  EXPECT_EQ(Counter("agg", "frames_in"), 0u);
  // Heard, authenticated as kec-a: the junk is counted and dropped; a valid frame that claims
  // another node is dropped as unauthenticated.
  zmq::socket_t s(ctx, zmq::socket_type::dealer);
  s.set(zmq::sockopt::linger, 0);
  s.set(zmq::sockopt::curve_serverkey, agg_pub);
  s.set(zmq::sockopt::curve_publickey, gw->public_z85);
  s.set(zmq::sockopt::curve_secretkey, gw->secret_z85);
  s.connect(Endpoint(port));
  uint64_t sent = ThrowJunk(s, "kec-a");
  std::string forged = BundleBytes("kec-b");  // someone else's name
  (void)s.send(zmq::buffer(forged), zmq::send_flags::none);
  std::string foreign = BundleBytes("kec-a", "kec-z");  // own name, another office's punches
  (void)s.send(zmq::buffer(foreign), zmq::send_flags::none);
  sent += 2;
  ASSERT_TRUE(WaitFor([&] { return Counter("agg", "frames_in") >= sent; }, 30000))
      << Counter("agg", "frames_in") << " of " << sent;
  EXPECT_TRUE(AnswersHello(s, "kec-a"));
  EXPECT_TRUE(agg.Running());
  EXPECT_GE(Counter("agg", "frames_malformed"), uint64_t{kRandomFrames} - 10);
  EXPECT_GE(Counter("agg", "frames_unauthenticated"), 1u);
  EXPECT_GE(Counter("agg", "bundles_foreign_origin"), 1u);
  EXPECT_TRUE(Punches(dir_ + "/agg").empty());
}

}  // namespace
}  // namespace titip::testing
