// CURVE on real daemons over loopback (issue 6): keys from `titipctl keygen`, allowlists, the
// ZAP handler and identity binding, end to end. Each test asserts state: punches stored at
// the aggregator, queues at the gateway, the daemons' counters.
#include <sys/stat.h>
#include <sys/wait.h>

#include "security_fixture.h"

namespace titip::testing {
namespace {

using SecurityMesh = SecureMeshTest;

TEST_F(SecurityMesh, KeygenWritesAPrivateSecretAndPrintsThePublicKey) {
  std::string pub = Keygen("node");
  struct stat st = {};
  ASSERT_EQ(stat(KeyPath("node").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(ReadFile(KeyPath("node") + ".pub"), pub + "\n");
  EXPECT_EQ(ReadFile(KeyPath("node")).find(pub), std::string::npos);
  RunResult again = titip::testing::Run({BinPath("titipctl"), "keygen", "--out", KeyPath("node")});
  EXPECT_EQ(again.exit_code, 73) << "must not overwrite an existing key";
  EXPECT_EQ(ReadFile(KeyPath("node") + ".pub"), pub + "\n");
  EXPECT_NE(Keygen("other"), pub);
}

TEST_F(SecurityMesh, ReadableSecretKeyRefusesToStart) {
  Keygen("agg");
  Keygen("gw");
  NodeConfig("agg", "bkpsdm", FreeTcpPort(),
             Security(KeyPath("agg"), Allowlist("agg", {{"kec-a", "gw"}})));
  ASSERT_EQ(chmod(KeyPath("agg").c_str(), 0644), 0);
  Process agg = Start("titip-aggregator", "agg");
  int st = agg.Wait(10000);
  ASSERT_TRUE(WIFEXITED(st)) << "still running with a world-readable key";
  EXPECT_EQ(WEXITSTATUS(st), 78);
  std::string log = ReadFile(dir_ + "/agg.log");
  EXPECT_NE(log.find("mode 0644"), std::string::npos) << log;
  EXPECT_NE(log.find("chmod 600 " + KeyPath("agg")), std::string::npos) << log;
  // A bad allowlist line is named by file and line, same exit code.
  ASSERT_EQ(chmod(KeyPath("agg").c_str(), 0600), 0);
  WriteFile(dir_ + "/agg.allowed", "kec-a " + keys_["gw"] + "\nkec-b\n");
  Process agg2 = Start("titip-aggregator", "agg");
  st = agg2.Wait(10000);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 78);
  EXPECT_NE(ReadFile(dir_ + "/agg.log").find(dir_ + "/agg.allowed:2:"), std::string::npos);
}

// gateway → relay → aggregator, CURVE on both links: everything arrives exactly once.
TEST_F(SecurityMesh, CorrectKeysDeliverEverythingExactlyOnceOverTwoHops) {
  std::string agg_pub = Keygen("agg"), relay_pub = Keygen("relay");
  Keygen("gw");
  int agg_port = FreeTcpPort(), relay_port = FreeTcpPort();
  NodeConfig("agg", "bkpsdm", agg_port,
             Security(KeyPath("agg"), Allowlist("agg", {{"diskominfo", "relay", true}})));
  NodeConfig("relay", "diskominfo", relay_port,
             Security(KeyPath("relay"), Allowlist("relay", {{"kec-a", "gw"}})) +
                 Upstream("bkpsdm", agg_port, agg_pub));
  NodeConfig("gw", "kec-a", 0,
             Security(KeyPath("gw")) + Upstream("diskominfo", relay_port, relay_pub), true);
  size_t n = ImportPunches("gw", 60, 14);
  ASSERT_GT(n, 1000u);
  Process agg = Start("titip-aggregator", "agg");
  Process relay = Start("titip-relay", "relay");
  Process gw = Start("titip-gateway", "gw");
  ASSERT_TRUE(WaitFor(
      [&] {
        auto q = Queue(dir_ + "/gw");
        return q.value("queued", -1) == 0 && q.value("undelivered", -1) == 0;
      },
      60000))
      << Queue(dir_ + "/gw").dump();
  UniqueCounts c = CountUnique(Punches(dir_ + "/agg"));
  EXPECT_EQ(c.rows, n);
  EXPECT_EQ(c.identities, n);
  EXPECT_EQ(c.natural_keys, n);
  // runtime.json is rewritten each second.
  EXPECT_TRUE(WaitFor([&] { return Counter("relay", "zap_accepted") >= 1; }, 5000));
  EXPECT_TRUE(WaitFor([&] { return Counter("agg", "zap_accepted") >= 1; }, 5000));
  EXPECT_EQ(Counter("agg", "zap_rejected"), 0u);
  EXPECT_EQ(Counter("agg", "frames_unauthenticated"), 0u);
}

// The same mesh with the relay listed but not marked `relay`: its key proves it is diskominfo,
// but the punches it hands over are kec-a's, so the aggregator drops them all.
TEST_F(SecurityMesh, UnmarkedRelayCannotHandOverOthersPunches) {
  std::string agg_pub = Keygen("agg"), relay_pub = Keygen("relay");
  Keygen("gw");
  int agg_port = FreeTcpPort(), relay_port = FreeTcpPort();
  NodeConfig("agg", "bkpsdm", agg_port,
             Security(KeyPath("agg"), Allowlist("agg", {{"diskominfo", "relay"}})));
  NodeConfig("relay", "diskominfo", relay_port,
             Security(KeyPath("relay"), Allowlist("relay", {{"kec-a", "gw"}})) +
                 Upstream("bkpsdm", agg_port, agg_pub));
  NodeConfig("gw", "kec-a", 0,
             Security(KeyPath("gw")) + Upstream("diskominfo", relay_port, relay_pub), true);
  size_t n = ImportPunches("gw", 10, 7);
  ASSERT_GT(n, 50u);
  Process agg = Start("titip-aggregator", "agg");
  Process relay = Start("titip-relay", "relay");
  Process gw = Start("titip-gateway", "gw");
  ASSERT_TRUE(WaitFor([&] { return Counter("agg", "bundles_foreign_origin") >= 2; }, 20000))
      << ReadFile(dir_ + "/agg.log");
  EXPECT_TRUE(Punches(dir_ + "/agg").empty());
  EXPECT_EQ(Counter("agg", "bundles_received"), 0u);
  EXPECT_EQ(Queue(dir_ + "/gw").value("undelivered", 0), n);  // no receipt ever came back
  EXPECT_NE(ReadFile(dir_ + "/agg.log").find("is not marked 'relay'"), std::string::npos);
}

// A gateway whose key is not on the aggregator's list: turned away at the handshake, so not
// one punch is stored; its own queue keeps everything.
TEST_F(SecurityMesh, KeyNotInAllowlistGetsNothingStored) {
  std::string agg_pub = Keygen("agg");
  Keygen("gw");
  Keygen("intruder");
  int port = FreeTcpPort();
  NodeConfig("agg", "bkpsdm", port, Security(KeyPath("agg"), Allowlist("agg", {{"kec-a", "gw"}})));
  NodeConfig("intruder", "kec-a", 0,
             Security(KeyPath("intruder")) + Upstream("bkpsdm", port, agg_pub), true);
  size_t n = ImportPunches("intruder", 10, 7);
  ASSERT_GT(n, 50u);
  Process agg = Start("titip-aggregator", "agg");
  Process gw = Start("titip-gateway", "intruder");
  ASSERT_TRUE(WaitFor([&] { return Counter("agg", "zap_rejected") >= 3; }, 20000))
      << ReadFile(dir_ + "/agg.log");
  EXPECT_TRUE(Punches(dir_ + "/agg").empty());
  EXPECT_EQ(Counter("agg", "frames_in"), 0u);
  EXPECT_EQ(Queue(dir_ + "/intruder").value("queued", 0), n);
  EXPECT_NE(ReadFile(dir_ + "/agg.log").find("key not in the allowlist"), std::string::npos);
  // The refused side says so, and keeps trying (libzmq alone would give up after one refusal).
  EXPECT_GE(Counter("intruder", "handshakes_failed"), 2u);
  EXPECT_NE(ReadFile(dir_ + "/intruder.log").find("refused our key"), std::string::npos);
}

// kec-a's valid key used by a node calling itself kec-b: every frame is dropped at the
// aggregator, nothing stored, the mismatch counted.
TEST_F(SecurityMesh, ValidKeyClaimingAnotherNodeIsRefused) {
  std::string agg_pub = Keygen("agg");
  Keygen("gw-a");
  Keygen("gw-b");
  int port = FreeTcpPort();
  NodeConfig("agg", "bkpsdm", port,
             Security(KeyPath("agg"), Allowlist("agg", {{"kec-a", "gw-a"}, {"kec-b", "gw-b"}})));
  NodeConfig("liar", "kec-b", 0, Security(KeyPath("gw-a")) + Upstream("bkpsdm", port, agg_pub),
             true);
  size_t n = ImportPunches("liar", 10, 7);
  ASSERT_GT(n, 50u);
  Process agg = Start("titip-aggregator", "agg");
  Process gw = Start("titip-gateway", "liar");
  ASSERT_TRUE(WaitFor([&] { return Counter("agg", "frames_unauthenticated") >= 5; }, 20000))
      << ReadFile(dir_ + "/agg.log");
  EXPECT_TRUE(Punches(dir_ + "/agg").empty());
  EXPECT_EQ(Counter("agg", "bundles_received"), 0u);
  EXPECT_EQ(Queue(dir_ + "/liar").value("queued", 0), n);
  std::string log = ReadFile(dir_ + "/agg.log");
  EXPECT_NE(log.find("claims node 'kec-b' but its key belongs to 'kec-a'"), std::string::npos)
      << log;
  EXPECT_NE(log.find("127.0.0.1"), std::string::npos) << "peer address is logged";
}

// SIGHUP re-reads the allowlist: a gateway refused at first gets through once listed.
TEST_F(SecurityMesh, SighupReloadAdmitsANewlyListedKey) {
  std::string agg_pub = Keygen("agg");
  Keygen("gw");
  Keygen("late");
  int port = FreeTcpPort();
  NodeConfig("agg", "bkpsdm", port, Security(KeyPath("agg"), Allowlist("agg", {{"kec-a", "gw"}})));
  NodeConfig("gw", "kec-b", 0, Security(KeyPath("late")) + Upstream("bkpsdm", port, agg_pub), true);
  size_t n = ImportPunches("gw", 10, 7);
  Process agg = Start("titip-aggregator", "agg");
  Process gw = Start("titip-gateway", "gw");
  ASSERT_TRUE(WaitFor([&] { return Counter("agg", "zap_rejected") >= 1; }, 20000));
  Allowlist("agg", {{"kec-a", "gw"}, {"kec-b", "late"}});
  agg.Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return Punches(dir_ + "/agg").size() == n; }, 30000))
      << ReadFile(dir_ + "/agg.log");
  EXPECT_TRUE(agg.Running());
}

}  // namespace
}  // namespace titip::testing
