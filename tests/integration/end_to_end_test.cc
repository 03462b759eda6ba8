// Gateway → aggregator on loopback with real daemons, real ZeroMQ and real LMDB: imported
// punches arrive exactly once, also when the aggregator is killed -9 mid-transfer.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <iostream>

#include "daemon_harness.h"

namespace titip::testing {
namespace {

class EndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("e2e");
    port_ = FreeTcpPort();
    WriteFile(dir_ + "/agg.toml",
              "[node]\nid = \"bkpsdm\"\nstate_dir = \"" + dir_ +
                  "/agg\"\nlisten = \"tcp://127.0.0.1:" + std::to_string(port_) + "\"\n");
    WriteFile(dir_ + "/gw.toml",
              "[node]\nid = \"kec-sekernan\"\nunit = \"kec-sekernan\"\nstate_dir = \"" + dir_ +
                  "/gw\"\n[[upstream]]\nid = \"bkpsdm\"\nendpoint = \"tcp://127.0.0.1:" +
                  std::to_string(port_) +
                  "\"\n[[terminal]]\nserial = \"A6F1190360012\"\nkind = \"usb\"\n"
                  "[link]\nbundle_max_punches = 200\nwindow = 2\nheartbeat_ms = 200\n"
                  "ack_timeout_ms = 1000\nbackoff_max_ms = 2000\n");
  }
  void TearDown() override {
    if (!HasFailure()) RemoveTree(dir_);
  }

  Process StartAggregator() {
    return Process::Start({BinPath("titip-aggregator"), "--config", dir_ + "/agg.toml"},
                          dir_ + "/agg.log");
  }
  Process StartGateway() {
    return Process::Start({BinPath("titip-gateway"), "--config", dir_ + "/gw.toml"},
                          dir_ + "/gw.log");
  }
  // Writes an attlog file of about `users` × days punches and imports it; returns the count.
  size_t ImportPunches(int users, int days) {
    RunResult gen =
        titip::testing::Run({BinPath("titip-termsim"), "attlog", "--out", dir_ + "/attlog.dat",
                             "--users", std::to_string(users), "--days", std::to_string(days),
                             "--start", "2026-11-02", "--seed", "42"});
    EXPECT_EQ(gen.exit_code, 0);
    RunResult imp =
        titip::testing::Run({BinPath("titipctl"), "--config", dir_ + "/gw.toml", "--json", "import",
                             dir_ + "/attlog.dat", "--terminal", "A6F1190360012"});
    EXPECT_EQ(imp.exit_code, 0) << imp.out;
    auto j = nlohmann::json::parse(imp.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << imp.out;
    EXPECT_EQ(j["garbage"], 0);
    return j["added"].get<size_t>();
  }
  // Every punch at the aggregator exactly once, by identity and by natural key.
  void ExpectExactlyOnce(size_t expected) {
    UniqueCounts c = CountUnique(Punches(dir_ + "/agg"));
    EXPECT_EQ(c.rows, expected);
    EXPECT_EQ(c.identities, expected);
    EXPECT_EQ(c.natural_keys, expected);
  }
  bool GatewayDrained() {
    auto q = Queue(dir_ + "/gw");
    return q.value("queued", -1) == 0 && q.value("undelivered", -1) == 0;
  }

  std::string dir_;
  int port_ = 0;
};

TEST_F(EndToEnd, TenThousandPunchesArriveExactlyOnce) {
  size_t n = ImportPunches(180, 28);  // ~10,000 punches
  ASSERT_GE(n, 10000u);
  Process agg = StartAggregator();
  Process gw = StartGateway();
  ASSERT_TRUE(WaitFor([&] { return GatewayDrained(); }, 60000)) << Queue(dir_ + "/gw").dump();
  ExpectExactlyOnce(n);
  // Re-importing the same file adds nothing anywhere.
  EXPECT_EQ(ImportPunches(180, 28), 0u);
  gw.Signal(SIGTERM);
  agg.Signal(SIGTERM);
  int gs = gw.Wait(10000), as = agg.Wait(10000);
  EXPECT_TRUE(WIFEXITED(gs) && WEXITSTATUS(gs) == 0) << "gateway did not stop cleanly";
  EXPECT_TRUE(WIFEXITED(as) && WEXITSTATUS(as) == 0) << "aggregator did not stop cleanly";
  ExpectExactlyOnce(n);
}

TEST_F(EndToEnd, AggregatorKilledMidTransferStillExactlyOnce) {
  size_t n = ImportPunches(600, 28);  // ~34,000 punches: long enough to be cut mid-way
  Process agg = StartAggregator();
  Process gw = StartGateway();
  size_t before = 0;
  // The sender is frozen while the aggregator is counted (never the store being read: see
  // WaitForFrozen); the aggregator is then killed with the gateway's window still in flight.
  ASSERT_TRUE(WaitForFrozen(
      gw, [&] { return (before = Punches(dir_ + "/agg").size()) > 2000; }, 60000));
  agg.Signal(SIGKILL);
  agg.Wait(5000);
  gw.Signal(SIGCONT);
  ASSERT_LT(before, n) << "transfer finished before the kill; the test proves nothing";
  std::cout << "aggregator killed with " << before << " of " << n << " punches stored\n";
  Process agg2 = StartAggregator();
  ASSERT_TRUE(WaitFor([&] { return GatewayDrained(); }, 120000)) << Queue(dir_ + "/gw").dump();
  ExpectExactlyOnce(n);
}

TEST_F(EndToEnd, GatewayQueuesUntilAggregatorAppears) {
  size_t n = ImportPunches(20, 7);
  Process gw = StartGateway();
  ASSERT_TRUE(WaitFor([&] { return Queue(dir_ + "/gw").value("daemon_running", false); }, 10000));
  auto q = Queue(dir_ + "/gw");
  EXPECT_EQ(q["queued"], n);
  EXPECT_EQ(q["undelivered"], n);
  Process agg = StartAggregator();
  ASSERT_TRUE(WaitFor([&] { return GatewayDrained(); }, 30000));
  ExpectExactlyOnce(n);
}

}  // namespace
}  // namespace titip::testing
