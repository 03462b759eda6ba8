// Multi-hop custody on real processes: gateway → relay A / relay B → aggregator on loopback.
// kill -9 of relay A mid-transfer moves the traffic to B; A returns later; every punch ends
// at the aggregator exactly once and the receipts reach the gateway.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include "daemon_harness.h"

namespace titip::testing {
namespace {

constexpr const char* kFastLink =
    "[link]\nheartbeat_ms = 200\nack_timeout_ms = 1000\nbackoff_max_ms = 2000\n"
    "bundle_max_punches = 500\nwindow = 4\n";

class MeshFailover : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("mesh");
    agg_port_ = FreeTcpPort();
    a_port_ = FreeTcpPort();
    b_port_ = FreeTcpPort();
    WriteFile(dir_ + "/agg.toml", Node("bkpsdm", "agg", agg_port_, ""));
    std::string to_agg = Upstream("bkpsdm", agg_port_, 1);
    WriteFile(dir_ + "/relay-a.toml", Node("diskominfo", "relay-a", a_port_, to_agg));
    WriteFile(dir_ + "/relay-b.toml", Node("diskominfo-b", "relay-b", b_port_, to_agg));
    WriteFile(dir_ + "/gw.toml",
              "[node]\nid = \"kec-sekernan\"\nunit = \"kec-sekernan\"\nstate_dir = \"" + dir_ +
                  "/gw\"\n" + Upstream("diskominfo", a_port_, 1) +
                  Upstream("diskominfo-b", b_port_, 2) +
                  "[[terminal]]\nserial = \"A6F1190360012\"\nkind = \"usb\"\n" + kFastLink);
  }
  void TearDown() override {
    if (!HasFailure()) RemoveTree(dir_);
  }
  std::string Node(const std::string& id, const std::string& sub, int port,
                   const std::string& upstreams) {
    return "[node]\nid = \"" + id + "\"\nstate_dir = \"" + dir_ + "/" + sub +
           "\"\nlisten = \"tcp://127.0.0.1:" + std::to_string(port) + "\"\n" + upstreams +
           kFastLink;
  }
  static std::string Upstream(const std::string& id, int port, int prio) {
    return "[[upstream]]\nid = \"" + id +
           "\"\nendpoint = \"tcp://127.0.0.1:" + std::to_string(port) +
           "\"\npriority = " + std::to_string(prio) + "\n";
  }
  Process Start(const std::string& bin, const std::string& name) {
    return Process::Start({BinPath(bin), "--config", dir_ + "/" + name + ".toml"},
                          dir_ + "/" + name + ".log");
  }
  size_t Import(int users, int days) {
    RunResult gen =
        titip::testing::Run({BinPath("titip-termsim"), "attlog", "--out", dir_ + "/attlog.dat",
                             "--users", std::to_string(users), "--days", std::to_string(days),
                             "--start", "2026-09-01", "--seed", "9"});
    EXPECT_EQ(gen.exit_code, 0);
    RunResult imp =
        titip::testing::Run({BinPath("titipctl"), "--config", dir_ + "/gw.toml", "--json", "import",
                             dir_ + "/attlog.dat", "--terminal", "A6F1190360012"});
    auto j = nlohmann::json::parse(imp.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << imp.out;
    return j.is_discarded() ? 0 : j["added"].get<size_t>();
  }
  int64_t ForwardedBy(const std::string& sub) {
    auto rt = nlohmann::json::parse(ReadFile(dir_ + "/" + sub + "/runtime.json"), nullptr, false);
    if (rt.is_discarded()) return -1;
    return rt["counters"].value("punches_acked", int64_t{-1});
  }

  std::string dir_;
  int agg_port_ = 0, a_port_ = 0, b_port_ = 0;
};

TEST_F(MeshFailover, KillPrimaryRelayMidTransferThenItReturns) {
  size_t n = Import(1800, 84);  // ~100,000 punches
  ASSERT_GE(n, 100000u);
  Process agg = Start("titip-aggregator", "agg");
  Process a = Start("titip-relay", "relay-a");
  Process b = Start("titip-relay", "relay-b");
  Process gw = Start("titip-gateway", "gw");
  ASSERT_TRUE(WaitFor([&] { return ForwardedBy("gw") > 10000; }, 120000))
      << ReadFile(dir_ + "/gw.log");
  a.Signal(SIGKILL);
  a.Wait(5000);
  auto q = Queue(dir_ + "/gw");
  ASSERT_GT(q.value("queued", 0), 0) << "transfer ended before the kill; the test proves nothing";
  // Traffic moves to relay B.
  ASSERT_TRUE(WaitFor(
      [&] {
        auto u = Queue(dir_ + "/gw")["upstreams"];
        for (const auto& l : u) {
          if (l.value("id", "") == "diskominfo-b" && l.value("active", false)) return true;
        }
        return false;
      },
      30000))
      << Queue(dir_ + "/gw").dump();
  Process a2 = Start("titip-relay", "relay-a");  // A returns with its store (and its queue)
  ASSERT_TRUE(WaitFor(
      [&] {
        auto g = Queue(dir_ + "/gw");
        auto ra = Queue(dir_ + "/relay-a"), rb = Queue(dir_ + "/relay-b");
        return g.value("queued", -1) == 0 && g.value("undelivered", -1) == 0 &&
               ra.value("queued", -1) == 0 && rb.value("queued", -1) == 0;
      },
      240000))
      << Queue(dir_ + "/gw").dump() << Queue(dir_ + "/relay-a").dump()
      << Queue(dir_ + "/relay-b").dump();
  UniqueCounts c = CountUnique(Punches(dir_ + "/agg"));
  EXPECT_EQ(c.rows, n);
  EXPECT_EQ(c.identities, n);
  EXPECT_EQ(c.natural_keys, n);
  for (auto* p : {&gw, &b, &a2, &agg}) {
    p->Signal(SIGTERM);
    int st = p->Wait(10000);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  }
}

}  // namespace
}  // namespace titip::testing
