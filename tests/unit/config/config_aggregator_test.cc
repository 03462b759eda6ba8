// [aggregator] roster_file and schedule_file: read on an aggregator, optional, checked for
// stray control characters and typos, refused in other roles.
#include <string>

#include <gtest/gtest.h>

#include "config_test_util.h"
#include "titip/config/config.h"

namespace titip::config {
namespace {

using testing::FailedAt;
using testing::Loaded;

constexpr const char* kAggregatorBase =
    "[node]\n"                             // 1
    "id = \"bkpsdm\"\n"                    // 2
    "state_dir = \"/var/lib/titip\"\n"     // 3
    "listen = \"tcp://127.0.0.1:7460\"\n"  // 4
    "[aggregator]\n";                      // 5

LoadResult Agg(const std::string& tail, Role role = Role::kAggregator) {
  return ParseConfig(std::string(kAggregatorBase) + tail, "agg.toml", role);
}

TEST(ConfigAggregator, BothFilesRead) {
  LoadResult r =
      Agg("roster_file = \"/etc/titip/roster.csv\"\n"
          "schedule_file = \"/etc/titip/schedule.toml\"\n");
  ASSERT_TRUE(Loaded(r));
  EXPECT_EQ(r.config->roster_file, "/etc/titip/roster.csv");
  EXPECT_EQ(r.config->schedule_file, "/etc/titip/schedule.toml");
}

TEST(ConfigAggregator, BothOptional) {
  LoadResult r = Agg("");
  ASSERT_TRUE(Loaded(r));
  EXPECT_TRUE(r.config->roster_file.empty());
  EXPECT_TRUE(r.config->schedule_file.empty());
}

TEST(ConfigAggregator, ControlCharacterInPathFails) {
  EXPECT_TRUE(FailedAt(Agg("roster_file = \"/etc/titip/roster.csv\\n\"\n"),
                       "aggregator.roster_file", 6, "control"));
}

TEST(ConfigAggregator, WrongTypeFails) {
  EXPECT_TRUE(FailedAt(Agg("schedule_file = 1\n"), "aggregator.schedule_file", 6, "string"));
}

TEST(ConfigAggregator, TypoFails) {
  EXPECT_TRUE(FailedAt(Agg("rooster_file = \"/etc/titip/roster.csv\"\n"), "aggregator.rooster_file",
                       6, "unknown"));
}

TEST(ConfigAggregator, RefusedOnARelay) {
  LoadResult r = ParseConfig(std::string(kAggregatorBase) +
                                 "roster_file = \"/r.csv\"\n[[upstream]]\nid = \"x\"\n"
                                 "endpoint = \"tcp://127.0.0.1:1\"\n",
                             "relay.toml", Role::kRelay);
  EXPECT_TRUE(FailedAt(r, "aggregator", 5, "only allowed in an aggregator config"));
}

}  // namespace
}  // namespace titip::config
