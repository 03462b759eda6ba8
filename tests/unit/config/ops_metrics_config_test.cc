// [metrics] listen: optional HOST:PORT on every role; a bad value fails at load with its line,
// so a daemon never starts with a metrics endpoint it cannot bind for a reason a check could
// have named.
#include <string>

#include <gtest/gtest.h>

#include "config_test_util.h"
#include "titip/config/config.h"

namespace titip::config {
namespace {

using testing::FailedAt;
using testing::Loaded;

constexpr const char* kAggregator =  // lines 1..4; [metrics] on 5, listen on 6
    "[node]\n"
    "id = \"bkpsdm\"\n"
    "state_dir = \"/tmp/titip-test\"\n"
    "listen = \"tcp://127.0.0.1:7450\"\n";

LoadResult Agg(const std::string& metrics) {
  return ParseConfig(std::string(kAggregator) + "[metrics]\n" + metrics, "agg.toml",
                     Role::kAggregator);
}

TEST(OpsMetricsConfig, AbsentMeansNoEndpoint) {
  LoadResult r = ParseConfig(kAggregator, "agg.toml", Role::kAggregator);
  ASSERT_TRUE(Loaded(r));
  EXPECT_EQ(r.config->metrics_listen, "");
}

TEST(OpsMetricsConfig, HostPortForms) {
  for (const char* ok : {"127.0.0.1:9750", "0.0.0.0:9750", "localhost:9750", "[::1]:9750"}) {
    LoadResult r = Agg(std::string("listen = \"") + ok + "\"\n");
    ASSERT_TRUE(Loaded(r)) << ok;
    EXPECT_EQ(r.config->metrics_listen, ok);
  }
}

TEST(OpsMetricsConfig, BadValuesNameTheLine) {
  EXPECT_TRUE(FailedAt(Agg("listen = \"127.0.0.1\"\n"), "metrics.listen", 6, "HOST:PORT"));
  EXPECT_TRUE(FailedAt(Agg("listen = \"127.0.0.1:0\"\n"), "metrics.listen", 6, "HOST:PORT"));
  EXPECT_TRUE(FailedAt(Agg("listen = \"127.0.0.1:70000\"\n"), "metrics.listen", 6));
  EXPECT_TRUE(FailedAt(Agg("listen = \"http://127.0.0.1:9750\"\n"), "metrics.listen", 6));
  EXPECT_TRUE(FailedAt(Agg("listen = 9750\n"), "metrics.listen", 6));
  EXPECT_TRUE(FailedAt(Agg("listen = \"127.0.0.1:9750\"\npath = \"/m\"\n"), "metrics.path", 7));
}

TEST(OpsMetricsConfig, AllowedOnEveryRole) {
  const std::string m = "[metrics]\nlisten = \"127.0.0.1:9750\"\n";
  EXPECT_TRUE(Loaded(ParseConfig(std::string(kAggregator) +
                                     "[[upstream]]\nid = \"x\"\n"
                                     "endpoint = \"tcp://127.0.0.1:1\"\n" +
                                     m,
                                 "relay.toml", Role::kRelay)));
  EXPECT_TRUE(
      Loaded(ParseConfig("[node]\nid = \"g\"\nunit = \"u\"\nstate_dir = \"/tmp/t\"\n"
                         "[[upstream]]\nid = \"x\"\nendpoint = \"tcp://127.0.0.1:1\"\n" +
                             m,
                         "gw.toml", Role::kGateway)));
}

}  // namespace
}  // namespace titip::config
