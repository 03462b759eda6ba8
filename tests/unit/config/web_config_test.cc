// [web] listen: the aggregator's status board. Optional, HOST:PORT checked at load with its
// line, and refused on a gateway or relay (only the aggregator holds the telemetry it shows).
#include <string>

#include <gtest/gtest.h>

#include "config_test_util.h"
#include "titip/config/config.h"

namespace titip::config {
namespace {

using testing::FailedAt;
using testing::Loaded;

constexpr const char* kAggregator =  // lines 1..4; [web] on 5, listen on 6
    "[node]\n"
    "id = \"bkpsdm\"\n"
    "state_dir = \"/tmp/titip-test\"\n"
    "listen = \"tcp://127.0.0.1:7450\"\n";

LoadResult Agg(const std::string& web) {
  return ParseConfig(std::string(kAggregator) + "[web]\n" + web, "agg.toml", Role::kAggregator);
}

TEST(WebConfig, AbsentMeansNoBoard) {
  LoadResult r = ParseConfig(kAggregator, "agg.toml", Role::kAggregator);
  ASSERT_TRUE(Loaded(r));
  EXPECT_EQ(r.config->web_listen, "");
}

TEST(WebConfig, HostPortForms) {
  for (const char* ok : {"127.0.0.1:8090", "0.0.0.0:8090", "localhost:8090", "[::1]:8090"}) {
    LoadResult r = Agg(std::string("listen = \"") + ok + "\"\n");
    ASSERT_TRUE(Loaded(r)) << ok;
    EXPECT_EQ(r.config->web_listen, ok);
  }
}

TEST(WebConfig, BadValuesNameTheLine) {
  EXPECT_TRUE(FailedAt(Agg("listen = \"127.0.0.1\"\n"), "web.listen", 6, "HOST:PORT"));
  EXPECT_TRUE(FailedAt(Agg("listen = \"127.0.0.1:0\"\n"), "web.listen", 6, "HOST:PORT"));
  EXPECT_TRUE(FailedAt(Agg("listen = \"127.0.0.1:70000\"\n"), "web.listen", 6));
  EXPECT_TRUE(FailedAt(Agg("listen = \"http://127.0.0.1:8090\"\n"), "web.listen", 6));
  EXPECT_TRUE(FailedAt(Agg("listen = 8090\n"), "web.listen", 6));
  EXPECT_TRUE(FailedAt(Agg("listen = \"127.0.0.1:8090\"\nport = 1\n"), "web.port", 7));
  EXPECT_TRUE(FailedAt(Agg(""), "web.listen", 5));
}

TEST(WebConfig, AggregatorOnly) {
  const std::string web = "[web]\nlisten = \"127.0.0.1:8090\"\n";
  LoadResult relay = ParseConfig(std::string(kAggregator) +
                                     "[[upstream]]\nid = \"x\"\n"
                                     "endpoint = \"tcp://127.0.0.1:1\"\n" +
                                     web,
                                 "relay.toml", Role::kRelay);
  EXPECT_TRUE(FailedAt(relay, "web", 8, "only allowed in an aggregator"));
  LoadResult gw = ParseConfig(
      "[node]\nid = \"g\"\nunit = \"u\"\nstate_dir = \"/tmp/t\"\n"
      "[[upstream]]\nid = \"x\"\nendpoint = \"tcp://127.0.0.1:1\"\n" +
          web,
      "gateway.toml", Role::kGateway);
  EXPECT_TRUE(FailedAt(gw, "web", 8, "only allowed in an aggregator"));
}

}  // namespace
}  // namespace titip::config
