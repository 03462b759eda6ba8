// End-to-end origin signatures on real daemons (issue 6, item 2): gateway → relay →
// aggregator with CURVE on both links, the gateway sealing its punches with its own Ed25519
// key and the aggregator checking them against its origin_keys_file. The relay is a test
// build (titip-relay-tamper) that alters or invents punches as a compromised relay would.
#include <sys/stat.h>
#include <sys/wait.h>

#include <set>
#include <sstream>

#include "security_fixture.h"

namespace titip::testing {
namespace {

class OriginSignatures : public SecureMeshTest {
 protected:
  // `titipctl keygen --signing --out DIR/NAME.sign`; returns the public key it printed.
  std::string SigningKeygen(const std::string& name) {
    RunResult r =
        titip::testing::Run({BinPath("titipctl"), "keygen", "--signing", "--out", SignPath(name)});
    EXPECT_EQ(r.exit_code, 0);
    std::string pub = r.out.substr(0, r.out.find('\n'));
    EXPECT_EQ(pub.size(), 40u) << r.out;
    return pub;
  }
  std::string SignPath(const std::string& name) const { return dir_ + "/" + name + ".sign"; }

  // agg (origin keys: kec-a) ← relay "diskominfo" (tampering build) ← gateway kec-a (signing).
  void Configure() {
    std::string agg_pub = Keygen("agg"), relay_pub = Keygen("relay");
    Keygen("gw");
    std::string gw_sign = SigningKeygen("gw");
    WriteFile(dir_ + "/origin_keys", "# registered origin signing keys\nkec-a " + gw_sign + "\n");
    agg_port_ = FreeTcpPort();
    relay_port_ = FreeTcpPort();
    NodeConfig("agg", "bkpsdm", agg_port_,
               Security(KeyPath("agg"), Allowlist("agg", {{"diskominfo", "relay", true}})) +
                   "origin_keys_file = \"" + dir_ + "/origin_keys\"\n");
    NodeConfig("relay", "diskominfo", relay_port_,
               Security(KeyPath("relay"), Allowlist("relay", {{"kec-a", "gw"}})) +
                   Upstream("bkpsdm", agg_port_, agg_pub));
    // resend_after_s: the re-offer of an unreceipted punch comes after 2 s, not 6 h.
    NodeConfig("gw", "kec-a", 0,
               Security(KeyPath("gw")) + "signing_key_file = \"" + SignPath("gw") + "\"\n" +
                   Upstream("diskominfo", relay_port_, relay_pub),
               true, "resend_after_s = 2\n");
  }
  Process StartTamperRelay(const std::string& mode) {
    return Process::Start({BinPath("titip-relay-tamper"), "--tamper", mode, "--self", "diskominfo",
                           "--config", dir_ + "/relay.toml"},
                          dir_ + "/relay.log");
  }
  bool Drained() {
    auto q = Queue(dir_ + "/gw");
    return q.value("queued", -1) == 0 && q.value("undelivered", -1) == 0;
  }
  std::vector<nlohmann::json> Quarantine() {
    RunResult r = titip::testing::Run(
        {BinPath("titipctl"), "--state-dir", dir_ + "/agg", "quarantine", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.out;
    std::vector<nlohmann::json> out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
    return out;
  }

  int agg_port_ = 0, relay_port_ = 0;
};

// A relay flips a byte in one forwarded punch: the aggregator quarantines that copy, counts
// it, does not receipt it, and the gateway's re-offer brings the genuine copy, stored once.
TEST_F(OriginSignatures, AlteredInFlightIsQuarantinedAndTheGenuineCopyStoredOnce) {
  Configure();
  size_t n = ImportPunches("gw", 20, 5);
  ASSERT_GT(n, 100u);
  Process agg = Start("titip-aggregator", "agg");
  Process relay = StartTamperRelay("flip:1");
  Process gw = Start("titip-gateway", "gw");
  ASSERT_TRUE(WaitFor([&] { return Drained(); }, 40000)) << Queue(dir_ + "/gw").dump();
  auto stored = Punches(dir_ + "/agg");
  UniqueCounts c = CountUnique(stored);
  EXPECT_EQ(c.rows, n);
  EXPECT_EQ(c.identities, n);
  EXPECT_EQ(c.natural_keys, n);
  auto q = Quarantine();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0]["reason"], "digest_mismatch");
  EXPECT_EQ(q[0]["via"], "diskominfo");
  EXPECT_EQ(q[0]["origin"], "kec-a");
  // The genuine copy of that identity is the one stored, not the altered PIN.
  bool genuine_stored = false;
  for (const auto& p : stored) {
    if (p["seq"] == q[0]["seq"]) genuine_stored = p["pin"] != q[0]["pin"];
  }
  EXPECT_TRUE(genuine_stored);
  EXPECT_TRUE(WaitFor([&] { return Counter("agg", "punches_quarantined") >= 1; }, 5000));
  // The re-offer is what delivered it (runtime.json is rewritten about once a second).
  EXPECT_TRUE(WaitFor([&] { return Counter("gw", "requeues") >= 1; }, 5000));
  EXPECT_GE(Counter("gw", "seals_sent"), 1u);
  EXPECT_NE(ReadFile(dir_ + "/agg.log").find("origin verification failed"), std::string::npos);
}

// A relay with a valid CURVE key (and the `relay` mark) but no origin signing key invents
// punches — in the gateway's name and in its own: both quarantined, nothing forged stored.
TEST_F(OriginSignatures, ForgedByARelayIsQuarantinedNeverStored) {
  Configure();
  size_t n = ImportPunches("gw", 10, 3);
  ASSERT_GT(n, 20u);
  Process agg = Start("titip-aggregator", "agg");
  Process relay = StartTamperRelay("forge");
  Process gw = Start("titip-gateway", "gw");
  ASSERT_TRUE(WaitFor([&] { return Drained() && Quarantine().size() >= 2; }, 30000))
      << Queue(dir_ + "/gw").dump();
  UniqueCounts c = CountUnique(Punches(dir_ + "/agg"));
  EXPECT_EQ(c.rows, n);
  EXPECT_EQ(c.identities, n);
  for (const auto& p : Punches(dir_ + "/agg")) {
    EXPECT_NE(p["pin"], "99999");
    EXPECT_NE(p["origin"], "diskominfo");
  }
  std::set<std::string> reasons;
  for (const auto& e : Quarantine()) reasons.insert(e["reason"].get<std::string>());
  EXPECT_EQ(reasons, (std::set<std::string>{"no_seal", "no_key"}));
  EXPECT_TRUE(WaitFor([&] { return Counter("agg", "punches_quarantined") >= 2; }, 5000));
}

TEST_F(OriginSignatures, ReadableSigningKeyRefusesToStart) {
  Configure();
  ASSERT_EQ(chmod(SignPath("gw").c_str(), 0644), 0);
  Process gw = Start("titip-gateway", "gw");
  int st = gw.Wait(10000);
  ASSERT_TRUE(WIFEXITED(st)) << "still running with a world-readable signing key";
  EXPECT_EQ(WEXITSTATUS(st), 78);
  std::string log = ReadFile(dir_ + "/gw.log");
  EXPECT_NE(log.find("signing key file " + SignPath("gw") + " has mode 0644"), std::string::npos)
      << log;
  EXPECT_NE(log.find("chmod 600 " + SignPath("gw")), std::string::npos) << log;
  // titipctl config check says the same before anyone starts the daemon.
  RunResult chk = titip::testing::Run(
      {BinPath("titipctl"), "config", "check", "--role", "gateway", dir_ + "/gw.toml"});
  EXPECT_EQ(chk.exit_code, 78);
}

}  // namespace
}  // namespace titip::testing
