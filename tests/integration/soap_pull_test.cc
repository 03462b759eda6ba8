// SOAP pull end to end: titip-termsim soap (iWsService quirks) ← titip-gateway (pull every
// poll interval) → titip-aggregator. ~5,000 punches exactly once; a gateway restart pulls the
// whole log again and adds nothing.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include "daemon_harness.h"

namespace titip::testing {
namespace {

TEST(SoapPull, FiveThousandPunchesExactlyOnceAcrossAGatewayRestart) {
  std::string dir = MakeTempDir("soap");
  int agg_port = FreeTcpPort(), soap_port = FreeTcpPort();
  WriteFile(dir + "/agg.toml",
            "[node]\nid = \"bkpsdm\"\nstate_dir = \"" + dir +
                "/agg\"\nlisten = \"tcp://127.0.0.1:" + std::to_string(agg_port) + "\"\n");
  WriteFile(dir + "/gw.toml",
            "[node]\nid = \"kec-kumpeh\"\nunit = \"kec-kumpeh\"\nstate_dir = \"" + dir +
                "/gw\"\n[[upstream]]\nid = \"bkpsdm\"\nendpoint = \"tcp://127.0.0.1:" +
                std::to_string(agg_port) +
                "\"\n[[terminal]]\nserial = \"X100C0001\"\nkind = \"soap\"\naddress = "
                "\"127.0.0.1:" +
                std::to_string(soap_port) +
                "\"\npoll_interval_s = 10\n[link]\nbundle_max_punches = 500\nheartbeat_ms = 200\n"
                "ack_timeout_ms = 1000\nbackoff_max_ms = 2000\n");
  Process term = Process::Start(
      {BinPath("titip-termsim"), "soap", "--listen", "127.0.0.1:" + std::to_string(soap_port),
       "--serial", "X100C0001", "--users", "620", "--days", "3", "--seed", "9"},
      dir + "/termsim.log");
  ASSERT_TRUE(WaitFor(
      [&] { return ReadFile(dir + "/termsim.log").find(" punches") != std::string::npos; }, 10000));
  std::string banner = ReadFile(dir + "/termsim.log");
  size_t n = std::stoul(banner.substr(banner.find(" with ") + 6));
  ASSERT_GE(n, 4500u);
  Process agg = Process::Start({BinPath("titip-aggregator"), "--config", dir + "/agg.toml"},
                               dir + "/agg.log");
  auto gw = std::make_unique<Process>(
      Process::Start({BinPath("titip-gateway"), "--config", dir + "/gw.toml"}, dir + "/gw.log"));
  auto exactly_once = [&] {
    UniqueCounts c = CountUnique(Punches(dir + "/agg"));
    return c.rows == n && c.identities == n && c.natural_keys == n;
  };
  ASSERT_TRUE(WaitFor(exactly_once, 60000)) << ReadFile(dir + "/gw.log");
  gw->Signal(SIGTERM);
  int gs = gw->Wait(10000);
  EXPECT_TRUE(WIFEXITED(gs) && WEXITSTATUS(gs) == 0) << "gateway did not stop cleanly";
  gw = std::make_unique<Process>(
      Process::Start({BinPath("titip-gateway"), "--config", dir + "/gw.toml"}, dir + "/gw.log"));
  std::string second = "soap: terminal X100C0001: " + std::to_string(n) + " rows, 0 new";
  ASSERT_TRUE(
      WaitFor([&] { return ReadFile(dir + "/gw.log").find(second) != std::string::npos; }, 30000))
      << ReadFile(dir + "/gw.log");
  EXPECT_TRUE(exactly_once());
  for (const auto& r : Punches(dir + "/agg")) ASSERT_EQ(r["terminal"], "X100C0001");
  term.Signal(SIGTERM);
  term.Wait(5000);
  if (!::testing::Test::HasFailure()) RemoveTree(dir);
}

}  // namespace
}  // namespace titip::testing
