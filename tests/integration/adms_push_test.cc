// ADMS push end to end with real processes: titip-termsim adms → titip-gateway (Beast server,
// LMDB) → titip-aggregator. ~5,000 punches over 3 simulated days arrive exactly once across a
// gateway kill -9 and restart, and across a store that refuses intake (the terminal keeps and
// re-sends its rows until the gateway has room again).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include "daemon_harness.h"

namespace titip::testing {
namespace {

constexpr const char* kSerial = "CNYG213260182";

class AdmsPush : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("adms");
    agg_port_ = FreeTcpPort();
    adms_port_ = FreeTcpPort();
    WriteFile(dir_ + "/agg.toml",
              "[node]\nid = \"bkpsdm\"\nstate_dir = \"" + dir_ +
                  "/agg\"\nlisten = \"tcp://127.0.0.1:" + std::to_string(agg_port_) + "\"\n");
    WriteGatewayConfig(/*map_cap_mb=*/4096);
  }
  void TearDown() override {
    if (!HasFailure()) RemoveTree(dir_);
  }
  void WriteGatewayConfig(int map_cap_mb) {
    WriteFile(
        dir_ + "/gw.toml",
        "[node]\nid = \"kec-sekernan\"\nunit = \"kec-sekernan\"\nstate_dir = \"" + dir_ +
            "/gw\"\n[[upstream]]\nid = \"bkpsdm\"\nendpoint = \"tcp://127.0.0.1:" +
            std::to_string(agg_port_) + "\"\n[[terminal]]\nserial = \"" + kSerial +
            "\"\nkind = \"adms\"\n[adms]\nlisten = \"127.0.0.1:" + std::to_string(adms_port_) +
            "\"\n[store]\nmap_cap_mb = " + std::to_string(map_cap_mb) + "\ninitial_map_mb = 1\n" +
            "[link]\nbundle_max_punches = 500\nheartbeat_ms = 200\n"
            "ack_timeout_ms = 1000\nbackoff_max_ms = 2000\n");
  }
  Process StartAggregator() {
    return Process::Start({BinPath("titip-aggregator"), "--config", dir_ + "/agg.toml"},
                          dir_ + "/agg.log");
  }
  Process StartGateway() {
    return Process::Start({BinPath("titip-gateway"), "--config", dir_ + "/gw.toml"},
                          dir_ + "/gw.log");
  }
  // 620 people over Mon-Wed of last week: ~5,000 punches. `rate` punches/s as they happen.
  Process StartTerminal(const std::string& rate) {
    std::vector<std::string> argv = {BinPath("titip-termsim"),
                                     "adms",
                                     "--server",
                                     "http://127.0.0.1:" + std::to_string(adms_port_),
                                     "--serial",
                                     kSerial,
                                     "--users",
                                     "620",
                                     "--days",
                                     "3",
                                     "--seed",
                                     "42",
                                     "--delay-ms",
                                     "100",
                                     "--error-delay-ms",
                                     "100",
                                     "--exit-when-done"};
    if (rate.empty()) {
      argv.push_back("--fast");
    } else {
      argv.insert(argv.end(), {"--rate", rate});
    }
    return Process::Start(argv, dir_ + "/termsim.log");
  }
  // The counters line titip-termsim prints when it exits.
  nlohmann::json TerminalStats() {
    std::string log = ReadFile(dir_ + "/termsim.log");
    size_t at = log.rfind("{\"serial\"");
    if (at == std::string::npos) return {};
    return nlohmann::json::parse(log.substr(at, log.find('\n', at) - at), nullptr, false);
  }
  size_t GatewayStored() { return Queue(dir_ + "/gw").value("undelivered", size_t{0}); }
  bool Drained() {
    auto q = Queue(dir_ + "/gw");
    return q.value("queued", -1) == 0 && q.value("undelivered", -1) == 0;
  }
  void ExpectExactlyOnce(size_t expected) {
    auto rows = Punches(dir_ + "/agg");
    UniqueCounts c = CountUnique(rows);
    EXPECT_EQ(c.rows, expected);
    EXPECT_EQ(c.identities, expected);
    EXPECT_EQ(c.natural_keys, expected);
    for (const auto& r : rows) {
      ASSERT_EQ(r["terminal"], kSerial);
      ASSERT_EQ(r["unit"], "kec-sekernan");
    }
  }

  std::string dir_;
  int agg_port_ = 0, adms_port_ = 0;
};

TEST_F(AdmsPush, FiveThousandPunchesExactlyOnceAcrossAGatewayKill) {
  Process agg = StartAggregator();
  Process gw = StartGateway();
  Process term = StartTerminal("1500");  // ~3.5 s of pushing: long enough to cut mid-way
  ASSERT_TRUE(WaitFor([&] { return Punches(dir_ + "/agg").size() >= 1000; }, 30000));
  gw.Signal(SIGKILL);
  gw.Wait(5000);
  size_t at_kill =
      Queue(dir_ + "/gw").value("undelivered", size_t{0}) + Punches(dir_ + "/agg").size();
  // The terminal keeps pushing into a dead port for a while (connection refused, re-send).
  ASSERT_TRUE(WaitFor(
      [&] {
        return ReadFile(dir_ + "/termsim.log").find("Connection refused") != std::string::npos;
      },
      10000));
  Process gw2 = StartGateway();
  int ts = term.Wait(60000);
  ASSERT_TRUE(WIFEXITED(ts) && WEXITSTATUS(ts) == 0) << ReadFile(dir_ + "/termsim.log");
  auto stats = TerminalStats();
  size_t n = stats.value("punches", size_t{0});
  ASSERT_GE(n, 4500u);
  ASSERT_LE(n, 5500u);
  EXPECT_LT(at_kill, n) << "the upload finished before the kill; the test proves nothing";
  EXPECT_EQ(stats["acked"], n);
  // Each gateway start asked the terminal for its gap once; the terminal re-sent rows.
  EXPECT_GE(stats.value("queries", 0), 2);
  EXPECT_GT(stats.value("resent_rows", 0), 0);
  ASSERT_TRUE(WaitFor([&] { return Drained(); }, 60000)) << Queue(dir_ + "/gw").dump();
  ExpectExactlyOnce(n);
  gw2.Signal(SIGTERM);
  int gs = gw2.Wait(10000);
  EXPECT_TRUE(WIFEXITED(gs) && WEXITSTATUS(gs) == 0) << "gateway did not stop cleanly";
}

TEST_F(AdmsPush, FullStoreRefusesTheTerminalKeepsAndResendsNothingLost) {
  WriteGatewayConfig(/*map_cap_mb=*/1);
  Process gw = StartGateway();  // no aggregator yet: nothing can leave, the store fills up
  Process term = StartTerminal("");
  ASSERT_TRUE(WaitFor(
      [&] {
        return ReadFile(dir_ + "/termsim.log").find("not acknowledged: HTTP 503") !=
               std::string::npos;
      },
      30000))
      << ReadFile(dir_ + "/gw.log");
  size_t stored_when_full = GatewayStored();
  EXPECT_GT(stored_when_full, 0u);
  // Refused rows stay refused while the store is full: the terminal keeps retrying.
  ASSERT_TRUE(term.Running());
  // Room comes back: a bigger cap after a restart (what an operator does with the alarm).
  gw.Signal(SIGTERM);
  gw.Wait(10000);
  WriteGatewayConfig(/*map_cap_mb=*/64);
  Process agg = StartAggregator();
  Process gw2 = StartGateway();
  int ts = term.Wait(60000);
  ASSERT_TRUE(WIFEXITED(ts) && WEXITSTATUS(ts) == 0) << ReadFile(dir_ + "/termsim.log");
  auto stats = TerminalStats();
  size_t n = stats.value("punches", size_t{0});
  EXPECT_LT(stored_when_full, n);
  EXPECT_GT(stats.value("non_ok", 0), 0);
  EXPECT_EQ(stats["acked"], n);
  ASSERT_TRUE(WaitFor([&] { return Drained(); }, 60000)) << Queue(dir_ + "/gw").dump();
  ExpectExactlyOnce(n);
}

}  // namespace
}  // namespace titip::testing
