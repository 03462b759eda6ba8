// Config loading from files: the shipped examples in deploy/examples must always load (so they
// never rot), defaults apply, and each class of mistake in tests/fixtures/config is reported
// with the right file, line and key.
#include "titip/config/config.h"

#include <gtest/gtest.h>

#include "config_test_util.h"

namespace titip::config {
namespace {

using testing::FailedAt;
using testing::Fixture;
using testing::Loaded;

std::string Example(std::string_view name) {
  return std::string(TITIP_EXAMPLES_DIR) + "/" + std::string(name);
}

TEST(ConfigExamples, GatewayLoads) {
  LoadResult r = LoadConfig(Example("gateway.toml"), Role::kGateway);
  ASSERT_TRUE(Loaded(r));
  const Config& c = *r.config;
  EXPECT_EQ(c.role, Role::kGateway);
  EXPECT_EQ(c.path, Example("gateway.toml"));
  EXPECT_EQ(c.node.id, "kec-sekernan");
  EXPECT_EQ(c.node.utc_offset_min, 7 * 60);
  ASSERT_EQ(c.upstreams.size(), 2u);
  EXPECT_EQ(c.upstreams[0].id, "diskominfo");
  EXPECT_EQ(c.upstreams[1].priority, 2);
  ASSERT_EQ(c.terminals.size(), 2u);
  EXPECT_EQ(c.terminals[0].address, "127.0.0.1:4370");
  EXPECT_EQ(c.terminals[1].kind, "adms");
  EXPECT_EQ(c.adms_listen, "127.0.0.1:8081");
  EXPECT_FALSE(c.security.has_value());
}

TEST(ConfigExamples, RelayLoads) {
  LoadResult r = LoadConfig(Example("relay.toml"), Role::kRelay);
  ASSERT_TRUE(Loaded(r));
  EXPECT_EQ(r.config->node.listen, "tcp://127.0.0.1:7450");
  ASSERT_EQ(r.config->upstreams.size(), 1u);
  EXPECT_EQ(r.config->upstreams[0].id, "bkpsdm");
  EXPECT_EQ(r.config->link.window, 8u);
  EXPECT_TRUE(r.config->terminals.empty());
}

TEST(ConfigExamples, AggregatorLoads) {
  LoadResult r = LoadConfig(Example("aggregator.toml"), Role::kAggregator);
  ASSERT_TRUE(Loaded(r));
  EXPECT_EQ(r.config->node.id, "bkpsdm");
  EXPECT_TRUE(r.config->upstreams.empty());
  EXPECT_EQ(r.config->roster_file, "/etc/titip/roster.csv");
  EXPECT_EQ(r.config->schedule_file, "/etc/titip/schedule.toml");
  EXPECT_EQ(r.config->store.map_cap_mb, 16384u);
}

// Loading an example with the wrong role fails on the misplaced table (its line is not pinned
// here so the examples can be edited freely).
TEST(ConfigExamples, ExamplesAreRoleSpecific) {
  LoadResult as_relay = LoadConfig(Example("gateway.toml"), Role::kRelay);
  ASSERT_TRUE(as_relay.error.has_value());
  EXPECT_EQ(as_relay.error->key, "terminal");
  EXPECT_GT(as_relay.error->line, 0);
  LoadResult as_gateway = LoadConfig(Example("aggregator.toml"), Role::kGateway);
  ASSERT_TRUE(as_gateway.error.has_value());
  EXPECT_EQ(as_gateway.error->key, "aggregator");
  EXPECT_GT(as_gateway.error->line, 0);
}

TEST(ConfigDefaults, MinimalGatewayGetsDefaults) {
  LoadResult r = LoadConfig(Fixture("good_minimal_gateway.toml"), Role::kGateway);
  ASSERT_TRUE(Loaded(r));
  const Config& c = *r.config;
  EXPECT_EQ(c.node.utc_offset_min, 420);
  EXPECT_EQ(c.node.listen, "");
  EXPECT_EQ(c.node.control, "");
  EXPECT_FALSE(c.security.has_value());
  ASSERT_EQ(c.upstreams.size(), 1u);
  EXPECT_EQ(c.upstreams[0].priority, 1);
  EXPECT_EQ(c.upstreams[0].public_key, "");
  ASSERT_EQ(c.terminals.size(), 1u);
  EXPECT_EQ(c.terminals[0].kind, "zk");
  EXPECT_EQ(c.terminals[0].poll_interval_s, 300);
  EXPECT_EQ(c.terminals[0].comm_key, 0u);
  EXPECT_FALSE(c.terminals[0].clear_after_receipt);
  EXPECT_EQ(c.store.map_cap_mb, 4096u);
  EXPECT_EQ(c.store.initial_map_mb, 8u);
  EXPECT_EQ(c.link.bundle_max_punches, 1000u);
  EXPECT_EQ(c.link.bundle_max_bytes, 256u * 1024u);
  EXPECT_EQ(c.link.window, 4u);
  EXPECT_EQ(c.link.ack_timeout_ms, 5000u);
  EXPECT_EQ(c.link.backoff_max_ms, 60000u);
  EXPECT_EQ(c.link.heartbeat_ms, 2000u);
  EXPECT_EQ(c.link.resend_after_s, 6u * 3600u);
}

TEST(ConfigDefaults, SecureRelayWithAllEndpointForms) {
  LoadResult r = LoadConfig(Fixture("good_secure_relay.toml"), Role::kRelay);
  ASSERT_TRUE(Loaded(r));
  const Config& c = *r.config;
  EXPECT_EQ(c.node.utc_offset_min, -(3 * 60 + 30));
  ASSERT_TRUE(c.security.has_value());
  EXPECT_EQ(c.security->allowed_keys_file, "/tmp/titip-test/allowed_keys");
  ASSERT_EQ(c.upstreams.size(), 2u);
  EXPECT_EQ(c.upstreams[0].endpoint, "ipc:///tmp/titip-test/bkpsdm.sock");
  EXPECT_EQ(c.upstreams[1].public_key.size(), 40u);
}

TEST(ConfigFileErrors, SyntaxErrorHasItsLine) {
  std::string path = Fixture("bad_syntax.toml");
  LoadResult r = LoadConfig(path, Role::kGateway);
  ASSERT_TRUE(FailedAt(r, "", 4, "syntax"));
  EXPECT_EQ(r.error->file, path);
  EXPECT_EQ(r.error->ToString().rfind(path + ":4: TOML syntax error", 0), 0u)
      << r.error->ToString();
}

TEST(ConfigFileErrors, MissingNodeIdPointsAtNodeTable) {
  EXPECT_TRUE(FailedAt(LoadConfig(Fixture("bad_missing_node_id.toml"), Role::kGateway), "node.id",
                       2, "missing"));
}

TEST(ConfigFileErrors, BadNodeId) {
  EXPECT_TRUE(FailedAt(LoadConfig(Fixture("bad_node_id.toml"), Role::kGateway), "node.id", 3,
                       "Kec Sekernan"));
}

TEST(ConfigFileErrors, BadUtcOffset) {
  EXPECT_TRUE(FailedAt(LoadConfig(Fixture("bad_utc_offset.toml"), Role::kGateway),
                       "node.utc_offset", 6, "WIB"));
}

TEST(ConfigFileErrors, WrongType) {
  EXPECT_TRUE(FailedAt(LoadConfig(Fixture("bad_wrong_type.toml"), Role::kGateway),
                       "terminal[0].poll_interval_s", 14, "expected an integer, got a string"));
}

TEST(ConfigFileErrors, WindowOutOfRange) {
  EXPECT_TRUE(FailedAt(LoadConfig(Fixture("bad_window_range.toml"), Role::kGateway), "link.window",
                       13, "1..64"));
}

TEST(ConfigFileErrors, UnknownKeyWithItsLine) {
  EXPECT_TRUE(FailedAt(LoadConfig(Fixture("bad_unknown_key.toml"), Role::kGateway), "link.windw",
                       12, "unknown"));
}

TEST(ConfigFileErrors, DuplicateUpstreamId) {
  EXPECT_TRUE(FailedAt(LoadConfig(Fixture("bad_duplicate_upstream.toml"), Role::kGateway),
                       "upstream[2].id", 16, "first at line 8"));
}

TEST(ConfigFileErrors, GatewayWithoutUpstream) {
  EXPECT_TRUE(FailedAt(LoadConfig(Fixture("bad_gateway_no_upstream.toml"), Role::kGateway),
                       "upstream", 0, "at least one"));
}

TEST(ConfigFileErrors, AggregatorWithoutListen) {
  EXPECT_TRUE(FailedAt(LoadConfig(Fixture("bad_aggregator_no_listen.toml"), Role::kAggregator),
                       "node.listen", 2, "required"));
}

TEST(ConfigFileErrors, TerminalInAggregatorConfig) {
  EXPECT_TRUE(FailedAt(LoadConfig(Fixture("bad_aggregator_terminal.toml"), Role::kAggregator),
                       "terminal", 8, "only allowed in a gateway"));
}

TEST(ConfigFileErrors, MissingFile) {
  std::string path = Fixture("no_such_file.toml");
  LoadResult r = LoadConfig(path, Role::kGateway);
  ASSERT_TRUE(FailedAt(r, "", 0, "cannot open"));
  EXPECT_EQ(r.error->file, path);
}

}  // namespace
}  // namespace titip::config
