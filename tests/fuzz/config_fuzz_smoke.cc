// Drives config_fuzz in every build, and checks the loaders it feeds on known inputs.
#include <gtest/gtest.h>

#include "fuzz_smoke.h"
#include "titip/aggregator/roster.h"
#include "titip/aggregator/schedule.h"
#include "titip/config/config.h"

namespace titip {
namespace {

constexpr char kGateway[] = R"([node]
id = "kec-sekernan"
unit = "kec-sekernan"
state_dir = "/tmp/titip-test/kec-sekernan"

[[upstream]]
id = "diskominfo"
endpoint = "tcp://127.0.0.1:7450"
)";

TEST(ConfigFuzzSmoke, ValidFilesLoad) {
  auto c = config::ParseConfig(kGateway, "g.toml", config::Role::kGateway);
  ASSERT_TRUE(c.config.has_value()) << c.error->ToString();
  EXPECT_EQ(c.config->node.id, "kec-sekernan");
  auto r = aggregator::ParseRoster(
      "unit_id,terminal_serial,pin,nip,name\nsetda,A6F1,1,198503152010011002,Budi\n", "r.csv");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE(r->Find("A6F1", "1"), nullptr);
  auto s = aggregator::ParseSchedule(
      "default_profile = \"normal\"\n[profile.normal]\nmon = \"07:30-16:00\"\n", "s.toml");
  EXPECT_TRUE(s.ok()) << s.status().ToString();
}

TEST(ConfigFuzzSmoke, GarbageIsRefused) {
  for (const char* bad : {"[node\nid=", "\xff\xfe\x00garbage", "[node]\nid = 7\n", "= = ="}) {
    auto c = config::ParseConfig(bad, "bad.toml", config::Role::kGateway);
    EXPECT_FALSE(c.config.has_value()) << bad;
    EXPECT_TRUE(c.error.has_value());
    EXPECT_FALSE(aggregator::ParseSchedule(bad, "bad.toml").ok()) << bad;
  }
  EXPECT_FALSE(aggregator::ParseRoster("setda,A6F1\n", "r.csv").ok());            // too few columns
  EXPECT_FALSE(aggregator::ParseRoster("setda,A6F1,1,12,Budi\n", "r.csv").ok());  // bad NIP
  EXPECT_FALSE(aggregator::ParseRoster("setda,A6F1,1,\"1985031520100110", "r.csv").ok());
}

TEST(ConfigFuzzSmoke, RandomAndMutatedInputsDoNotCrash) {
  fuzz::RunSmoke(TITIP_FUZZ_CORPUS, 1000, 20261205);
}

}  // namespace
}  // namespace titip
