// Daemons refuse to start on a bad config (exit 78, file:line and key) or on a damaged store
// (a clear message and a sysexits code, never a crash), and stop cleanly on SIGTERM.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>

#include "daemon_harness.h"

namespace titip::testing {
namespace {

namespace fs = std::filesystem;

struct Started {
  int status = -1;
  std::string log;
};

Started RunAggregator(const std::string& dir, const std::string& config_text) {
  WriteFile(dir + "/agg.toml", config_text);
  Process p = Process::Start({BinPath("titip-aggregator"), "--config", dir + "/agg.toml"},
                             dir + "/agg.log");
  Started s;
  s.status = p.Wait(20000);
  s.log = ReadFile(dir + "/agg.log");
  return s;
}

std::string AggConfig(const std::string& state_dir) {
  return "[node]\nid = \"bkpsdm\"\nstate_dir = \"" + state_dir +
         "\"\nlisten = \"tcp://127.0.0.1:" + std::to_string(FreeTcpPort()) + "\"\n";
}

TEST(DaemonStart, BadConfigExits78NamingFileLineAndKey) {
  std::string dir = MakeTempDir("cfg");
  Started s = RunAggregator(dir,
                            "[node]\nid = \"Not Valid\"\nstate_dir = \"/tmp/x\"\n"
                            "listen = \"tcp://127.0.0.1:1\"\n");
  ASSERT_TRUE(WIFEXITED(s.status)) << s.log;
  EXPECT_EQ(WEXITSTATUS(s.status), 78);
  EXPECT_NE(s.log.find("agg.toml:2"), std::string::npos) << s.log;
  EXPECT_NE(s.log.find("node.id"), std::string::npos) << s.log;
  RemoveTree(dir);
}

// Every damaged fixture store: the daemon says why and exits with a code, not a signal.
TEST(DaemonStart, DamagedStoreIsRefusedClearly) {
  fs::path fixtures = fs::path(TITIP_FIXTURES_DIR) / "store";
  ASSERT_TRUE(fs::exists(fixtures)) << fixtures;
  int damaged = 0;
  for (const auto& entry : fs::directory_iterator(fixtures)) {
    std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name.rfind("valid", 0) == 0) continue;
    ++damaged;
    SCOPED_TRACE(name);
    std::string dir = MakeTempDir("bad");
    fs::copy(entry.path(), dir + "/state", fs::copy_options::recursive);
    Started s = RunAggregator(dir, AggConfig(dir + "/state"));
    ASSERT_TRUE(WIFEXITED(s.status)) << "crashed or hung: " << s.log;
    EXPECT_NE(WEXITSTATUS(s.status), 0) << s.log;
    EXPECT_NE(s.log.find("refusing to start"), std::string::npos) << s.log;
    EXPECT_NE(s.log.find(dir + "/state"), std::string::npos) << "message must name the dir";
    RemoveTree(dir);
  }
  EXPECT_GE(damaged, 3);
}

TEST(DaemonStart, SigtermStopsCleanly) {
  std::string dir = MakeTempDir("term");
  WriteFile(dir + "/agg.toml", AggConfig(dir + "/state"));
  Process p = Process::Start({BinPath("titip-aggregator"), "--config", dir + "/agg.toml"},
                             dir + "/agg.log");
  ASSERT_TRUE(WaitFor([&] { return fs::exists(dir + "/state/runtime.json"); }, 10000));
  p.Signal(SIGTERM);
  int status = p.Wait(10000);
  ASSERT_TRUE(WIFEXITED(status)) << ReadFile(dir + "/agg.log");
  EXPECT_EQ(WEXITSTATUS(status), 0);
  RemoveTree(dir);
}

}  // namespace
}  // namespace titip::testing
