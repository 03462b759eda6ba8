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

}  // namespace
}  // namespace titip::testing
