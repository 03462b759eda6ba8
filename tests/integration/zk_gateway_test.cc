// A ZK terminal (titip-termsim zk) pulled by a real titip-gateway over loopback TCP, relayed
// to a real titip-aggregator: ~5,000 punches over 3 days arrive exactly once, also when the
// gateway is killed mid-way and restarted (it re-reads the whole log; dedupe by natural key),
// and the terminal's 600 s clock drift shows in the aggregator's mesh view.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <iostream>
#include <set>
#include <sstream>

#include "daemon_harness.h"

namespace titip::testing {
namespace {

constexpr char kSerial[] = "ZKSIM00001";

class ZkGateway : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("zk");
    agg_port_ = FreeTcpPort();
    zk_port_ = FreeTcpPort();
    WriteFile(dir_ + "/agg.toml",
              "[node]\nid = \"bkpsdm\"\nstate_dir = \"" + dir_ +
                  "/agg\"\nlisten = \"tcp://127.0.0.1:" + std::to_string(agg_port_) + "\"\n");
    WriteFile(dir_ + "/gw.toml",
              "[node]\nid = \"kec-kumpeh\"\nunit = \"kec-kumpeh\"\nstate_dir = \"" + dir_ +
                  "/gw\"\n[[upstream]]\nid = \"bkpsdm\"\nendpoint = \"tcp://127.0.0.1:" +
                  std::to_string(agg_port_) + "\"\n[[terminal]]\nserial = \"" + kSerial +
                  "\"\nkind = \"zk\"\naddress = \"127.0.0.1:" + std::to_string(zk_port_) +
                  "\"\npoll_interval_s = 10\n"
                  "[link]\nbundle_max_punches = 100\nwindow = 1\nheartbeat_ms = 200\n"
                  "ack_timeout_ms = 1000\nbackoff_max_ms = 2000\n");
  }
  void TearDown() override {
    if (!HasFailure()) RemoveTree(dir_);
  }
  Process StartGateway() {
    return Process::Start({BinPath("titip-gateway"), "--config", dir_ + "/gw.toml"},
                          dir_ + "/gw.log");
  }
  // The terminal: serves the workload, writes what it serves to zk.dump; returns its lines.
  Process StartTerminal(std::set<std::string>* served) {
    Process p = Process::Start(
        {BinPath("titip-termsim"), "zk", "--listen", "127.0.0.1:" + std::to_string(zk_port_),
         "--serial", kSerial, "--users", "615", "--days", "3", "--start", "2026-11-02", "--seed",
         "42", "--clock-drift-s", "600", "--dump", dir_ + "/zk.dump"},
        dir_ + "/termsim.log");
    EXPECT_TRUE(WaitFor(
        [&] { return ReadFile(dir_ + "/termsim.log").find("listening on") != std::string::npos; },
        10000))
        << ReadFile(dir_ + "/termsim.log");
    std::istringstream in(ReadFile(dir_ + "/zk.dump"));
    for (std::string l; std::getline(in, l);) {
      size_t tab2 = l.find('\t', l.find('\t') + 1);
      served->insert(l.substr(0, tab2));  // PIN TAB "YYYY-MM-DD HH:MM:SS"
    }
    return p;
  }
  // The aggregator's punches as "PIN TAB YYYY-MM-DD HH:MM:SS".
  std::set<std::string> AggregatorSet(const std::vector<nlohmann::json>& punches) {
    std::set<std::string> out;
    for (const auto& p : punches) {
      std::string t = p["time"].get<std::string>().substr(0, 19);
      if (t.size() > 10) t[10] = ' ';
      out.insert(p["pin"].get<std::string>() + "\t" + t);
    }
    return out;
  }

  std::string dir_;
  int agg_port_ = 0;
  int zk_port_ = 0;
};

TEST_F(ZkGateway, FiveThousandPunchesExactlyOnceAcrossGatewayRestartAndSkewShows) {
  std::set<std::string> served;
  Process term = StartTerminal(&served);
  ASSERT_GE(served.size(), 4900u);
  Process agg = Process::Start({BinPath("titip-aggregator"), "--config", dir_ + "/agg.toml"},
                               dir_ + "/agg.log");
  size_t before = 0;
  {
    Process gw = StartGateway();
    // The gateway is the one frozen, never the aggregator whose store is counted.
    ASSERT_TRUE(WaitForFrozen(
        gw, [&] { return (before = Punches(dir_ + "/agg").size()) > 500; }, 120000))
        << ReadFile(dir_ + "/gw.log");
    gw.Signal(SIGKILL);
    gw.Wait(5000);
  }
  ASSERT_LT(before, served.size()) << "transfer finished before the kill; proves nothing";
  std::cout << "gateway killed with " << before << " of " << served.size()
            << " punches at the aggregator\n";
  Process gw = StartGateway();
  ASSERT_TRUE(WaitFor([&] { return Punches(dir_ + "/agg").size() >= served.size(); }, 90000))
      << Punches(dir_ + "/agg").size() << " of " << served.size();
  auto punches = Punches(dir_ + "/agg");
  UniqueCounts c = CountUnique(punches);
  EXPECT_EQ(c.rows, served.size());
  EXPECT_EQ(c.identities, served.size());
  EXPECT_EQ(c.natural_keys, served.size());
  EXPECT_EQ(AggregatorSet(punches), served);
  for (const auto& p : punches) ASSERT_EQ(p["terminal"], kSerial);

  // Telemetry carries the terminal's skew (sent every 10 s): ~ +600 s.
  nlohmann::json row;
  bool seen = WaitFor(
      [&] {
        RunResult r = titip::testing::Run(
            {BinPath("titipctl"), "--state-dir", dir_ + "/agg", "mesh", "--json"});
        auto j = nlohmann::json::parse(r.out, nullptr, false);
        if (j.is_discarded()) return false;
        for (const auto& n : j) {
          if (n["node"] == "kec-kumpeh" && !n["clock_skew_s"].is_null() &&
              n["clock_skew_s"].get<int64_t>() != 0) {
            row = n;
            return true;
          }
        }
        return false;
      },
      30000);
  ASSERT_TRUE(seen) << ReadFile(dir_ + "/gw.log");
  int64_t skew = row["clock_skew_s"].get<int64_t>();
  EXPECT_NEAR(skew, 600, 5) << row.dump();
  ASSERT_EQ(row["terminals"].size(), 1u) << row.dump();
  EXPECT_EQ(row["terminals"][0]["serial"], kSerial);
  EXPECT_TRUE(row["terminals"][0]["up"].get<bool>());

  // The operator's own view on the gateway shows the same skew.
  RunResult st = titip::testing::Run(
      {BinPath("titipctl"), "--config", dir_ + "/gw.toml", "status", "--json"});
  auto sj = nlohmann::json::parse(st.out, nullptr, false);
  ASSERT_FALSE(sj.is_discarded()) << st.out;
  ASSERT_EQ(sj["terminals"].size(), 1u) << st.out;
  ASSERT_FALSE(sj["terminals"][0]["clock_skew_s"].is_null()) << st.out;
  EXPECT_NEAR(sj["terminals"][0]["clock_skew_s"].get<int64_t>(), 600, 5) << st.out;

  gw.Signal(SIGTERM);
  int gs = gw.Wait(15000);
  EXPECT_TRUE(WIFEXITED(gs) && WEXITSTATUS(gs) == 0) << "gateway did not stop cleanly";
  agg.Signal(SIGTERM);
  agg.Wait(10000);
  term.Signal(SIGTERM);
  term.Wait(5000);
}

}  // namespace
}  // namespace titip::testing
