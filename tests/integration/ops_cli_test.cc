// titipctl polish as a black box: `config check` accepts every shipped example and refuses
// every bad fixture with exit 78 and the line of the mistake; every command's --help shows
// examples; usage errors exit 64 (sysexits).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "daemon_harness.h"

namespace titip::testing {
namespace {

namespace fs = std::filesystem;

RunResult Ctl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {BinPath("titipctl")};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv);
}

TEST(OpsCli, ConfigCheckAcceptsEveryExample) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(TITIP_EXAMPLES_DIR)) {
    if (e.path().extension() != ".toml") continue;
    // schedule.toml is the aggregator's data file, not a daemon config.
    if (e.path().stem() == "schedule") continue;
    ++n;
    RunResult r = Ctl({"config", "check", e.path().string(), "--json"});
    EXPECT_EQ(r.exit_code, 0) << e.path() << ": " << r.out;
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << r.out;
    EXPECT_EQ(j["valid"], true);
    // The file name says the role (gateway.toml → gateway).
    EXPECT_EQ(j["role"], e.path().stem().string()) << r.out;
  }
  EXPECT_GE(n, 3);
}

// Each bad fixture names its mistake's line in its first comment ("Mistake on line N").
TEST(OpsCli, ConfigCheckRefusesBadFixturesWith78AndTheLine) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(std::string(TITIP_FIXTURES_DIR) + "/config")) {
    std::string name = e.path().filename().string();
    if (name.rfind("bad_", 0) != 0) continue;
    ++n;
    std::ifstream f(e.path());
    std::string first;
    std::getline(f, first);
    std::smatch m;
    RunResult r = Ctl({"config", "check", e.path().string(), "--json"});
    EXPECT_EQ(r.exit_code, 78) << name << ": " << r.out;
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << r.out;
    EXPECT_EQ(j["valid"], false);
    EXPECT_NE(j["error"].get<std::string>().find(e.path().string()), std::string::npos);
    if (std::regex_search(first, m, std::regex("line ([0-9]+)"))) {
      EXPECT_EQ(j["line"], std::stoi(m[1])) << name << ": " << r.out;
    }
  }
  EXPECT_GE(n, 5);
  EXPECT_EQ(Ctl({"config", "check", "/nonexistent/titip.toml"}).exit_code, 78);
}

TEST(OpsCli, EveryCommandHelpHasExamples) {
  for (std::vector<std::string> cmd : {std::vector<std::string>{},
                                       {"import"},
                                       {"queue"},
                                       {"punches"},
                                       {"status"},
                                       {"mesh"},
                                       {"config", "check"}}) {
    cmd.push_back("--help");
    RunResult r = Ctl(cmd);
    EXPECT_EQ(r.exit_code, 0) << cmd[0];
    EXPECT_NE(r.out.find("Examples:"), std::string::npos) << cmd[0] << ":\n" << r.out;
    EXPECT_NE(r.out.find("titipctl "), std::string::npos) << cmd[0];
  }
  EXPECT_NE(Ctl({"--version"}).out.find("titipctl "), std::string::npos);
}

TEST(OpsCli, UsageErrorsExit64) {
  EXPECT_EQ(Ctl({}).exit_code, 64);
  EXPECT_EQ(Ctl({"no-such-command"}).exit_code, 64);
  EXPECT_EQ(Ctl({"config", "check"}).exit_code, 64);
  EXPECT_EQ(Ctl({"queue"}).exit_code, 64);  // neither --config nor --state-dir
}

// A full store while punches wait for delivery: the advice is to wait, and the import stops
// with the store's exit code instead of crashing or pretending success.
TEST(OpsCli, ImportIntoAFullStoreSaysWhatWillFreeIt) {
  std::string dir = MakeTempDir("import-full");
  WriteFile(dir + "/gateway.toml",
            "[node]\nid = \"kec-mestong\"\nunit = \"kec-mestong\"\n"
            "state_dir = \"" +
                dir +
                "/gw\"\n[store]\nmap_cap_mb = 1\n"
                "initial_map_mb = 1\n[[upstream]]\nid = \"bkpsdm\"\nendpoint = "
                "\"tcp://127.0.0.1:9\"\n[[terminal]]\nserial = \"SN1\"\n"
                "kind = \"usb\"\n");
  ASSERT_EQ(titip::testing::Run({BinPath("titip-termsim"), "attlog", "--out", dir + "/attlog.dat",
                                 "--users", "200", "--days", "40", "--start", "2026-10-01",
                                 "--seed", "3"})
                .exit_code,
            0);
  RunResult r = titip::testing::Run({"sh", "-c",
                                     BinPath("titipctl") + " -c " + dir + "/gateway.toml import " +
                                         dir + "/attlog.dat --terminal SN1 2>&1"});
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("the store is full"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("still on their way upstream"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("delivered history"), std::string::npos) << r.out;
  RunResult q = Ctl({"-c", dir + "/gateway.toml", "queue", "--json"});
  auto j = nlohmann::json::parse(q.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << q.out;
  EXPECT_GT(j["undelivered"].get<uint64_t>(), 1000u);  // what fitted is kept
  if (!HasFailure()) RemoveTree(dir);
}

}  // namespace
}  // namespace titip::testing
