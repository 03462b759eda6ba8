// Validation rules exercised on inline TOML: one test per rule, each starting from a config that
// loads and changing one thing, so a failure names exactly the rule that broke.
#include <string>

#include <gtest/gtest.h>

#include "config_test_util.h"
#include "titip/config/config.h"

namespace titip::config {
namespace {

using testing::FailedAt;
using testing::Loaded;

// Lines 1..8; tests append from line 9 on.
constexpr const char* kGatewayBase =
    "[node]\n"                                // 1
    "id = \"kec-sekernan\"\n"                 // 2
    "unit = \"kec-sekernan\"\n"               // 3
    "state_dir = \"/tmp/titip-test\"\n"       // 4
    "\n"                                      // 5
    "[[upstream]]\n"                          // 6
    "id = \"diskominfo\"\n"                   // 7
    "endpoint = \"tcp://127.0.0.1:7450\"\n";  // 8

constexpr const char* kRelayNode =
    "[node]\n"                              // 1
    "id = \"diskominfo\"\n"                 // 2
    "state_dir = \"/tmp/titip-test\"\n"     // 3
    "listen = \"tcp://127.0.0.1:7450\"\n";  // 4

LoadResult Gateway(const std::string& extra) {
  return ParseConfig(kGatewayBase + extra, "gw.toml", Role::kGateway);
}

TEST(ConfigRules, BaseLoads) { EXPECT_TRUE(Loaded(Gateway(""))); }

TEST(ConfigRules, ErrorToString) {
  ConfigError e{"/etc/titip/gateway.toml", 12, "node.id", "bad"};
  EXPECT_EQ(e.ToString(), "/etc/titip/gateway.toml:12: key 'node.id': bad");
  e.line = 0;
  EXPECT_EQ(e.ToString(), "/etc/titip/gateway.toml: key 'node.id': bad");
  e.key.clear();
  EXPECT_EQ(e.ToString(), "/etc/titip/gateway.toml: bad");
}

TEST(ConfigRules, EmptyFileMissesNodeId) {
  EXPECT_TRUE(FailedAt(ParseConfig("", "e.toml", Role::kGateway), "node.id", 0, "missing"));
}

TEST(ConfigRules, DuplicateKeyIsSyntaxError) {
  EXPECT_TRUE(FailedAt(Gateway("\n[link]\nwindow = 2\nwindow = 3\n"), "", 12, "syntax"));
}

TEST(ConfigRules, UnknownTopLevelTable) {
  EXPECT_TRUE(FailedAt(Gateway("\n[metric]\nlisten = \"127.0.0.1:9750\"\n"), "metric", 10));
}

TEST(ConfigRules, UnknownSubTable) {
  EXPECT_TRUE(FailedAt(Gateway("\n[node.extra]\nx = 1\n"), "node.extra", 10, "unknown"));
}

TEST(ConfigRules, UpstreamMustBeArrayOfTables) {
  LoadResult r =
      ParseConfig("[node]\nid = \"a\"\nunit = \"a\"\nstate_dir = \"/s\"\n[upstream]\nid = \"b\"\n",
                  "u.toml", Role::kGateway);
  EXPECT_TRUE(FailedAt(r, "upstream", 5, "[[upstream]]"));
}

TEST(ConfigRules, FloatIsNotAnInteger) {
  EXPECT_TRUE(FailedAt(Gateway("\n[link]\nwindow = 4.0\n"), "link.window", 11, "a float"));
}

TEST(ConfigRules, NegativeOutOfRange) {
  EXPECT_TRUE(FailedAt(Gateway("priority = -1\n"), "upstream[0].priority", 9, "1..100"));
}

TEST(ConfigRules, BadEndpointScheme) {
  EXPECT_TRUE(FailedAt(Gateway("\n[[upstream]]\nid = \"bkpsdm\"\nendpoint = \"udp://x:1\"\n"),
                       "upstream[1].endpoint", 12, "tcp://"));
}

TEST(ConfigRules, TcpEndpointNeedsPort) {
  EXPECT_TRUE(FailedAt(Gateway("\n[[upstream]]\nid = \"bkpsdm\"\nendpoint = \"tcp://host\"\n"),
                       "upstream[1].endpoint", 12));
}

TEST(ConfigRules, UpstreamIdMustBeNodeId) {
  EXPECT_TRUE(FailedAt(Gateway("\n[[upstream]]\nid = \"BKPSDM\"\nendpoint = \"ipc://b\"\n"),
                       "upstream[1].id", 11, "node id"));
}

TEST(ConfigRules, UpstreamIsNotSelf) {
  EXPECT_TRUE(FailedAt(Gateway("\n[[upstream]]\nid = \"kec-sekernan\"\nendpoint = \"ipc://b\"\n"),
                       "upstream[1].id", 11, "own id"));
}

TEST(ConfigRules, MissingEndpointPointsAtUpstreamTable) {
  EXPECT_TRUE(FailedAt(Gateway("\n[[upstream]]\nid = \"bkpsdm\"\n"), "upstream[1].endpoint", 10,
                       "missing"));
}

TEST(ConfigRules, GatewayNeedsUnit) {
  LoadResult r = ParseConfig(
      "[node]\nid = \"a\"\nstate_dir = \"/s\"\n[[upstream]]\nid = \"b\"\nendpoint = \"ipc://b\"\n",
      "g.toml", Role::kGateway);
  EXPECT_TRUE(FailedAt(r, "node.unit", 1, "gateway"));
}

TEST(ConfigRules, TerminalKindAndSerial) {
  EXPECT_TRUE(FailedAt(Gateway("[[terminal]]\nserial = \"A1\"\nkind = \"rfid\"\n"),
                       "terminal[0].kind", 11, "zk, adms, soap or usb"));
  EXPECT_TRUE(FailedAt(Gateway("[[terminal]]\nserial = \"A 1\"\nkind = \"usb\"\n"),
                       "terminal[0].serial", 10, "printable"));
  EXPECT_TRUE(FailedAt(Gateway("[[terminal]]\nserial = \"" + std::string(65, 'A') + "\"\n"),
                       "terminal[0].serial", 10, "64"));
  EXPECT_TRUE(
      Loaded(Gateway("[[terminal]]\nserial = \"" + std::string(64, '~') + "\"\nkind = \"usb\"\n")));
}

TEST(ConfigRules, DuplicateTerminalSerial) {
  EXPECT_TRUE(FailedAt(Gateway("[[terminal]]\nserial = \"S1\"\nkind = \"usb\"\n"
                               "[[terminal]]\nserial = \"S1\"\nkind = \"usb\"\n"),
                       "terminal[1].serial", 13, "first at line 10"));
}

TEST(ConfigRules, ZkTerminalNeedsHostPort) {
  EXPECT_TRUE(
      FailedAt(Gateway("[[terminal]]\nserial = \"S1\"\n"), "terminal[0].address", 9, "missing"));
  EXPECT_TRUE(FailedAt(Gateway("[[terminal]]\nserial = \"S1\"\naddress = \"10.0.0.1:70000\"\n"),
                       "terminal[0].address", 11, "HOST:PORT"));
}

TEST(ConfigRules, AdmsTerminalNeedsAdmsListener) {
  std::string term = "[[terminal]]\nserial = \"S1\"\nkind = \"adms\"\n";
  EXPECT_TRUE(FailedAt(Gateway(term), "adms.listen", 0, "terminal[0]"));
  EXPECT_TRUE(Loaded(Gateway(term + "[adms]\nlisten = \"127.0.0.1:8081\"\n")));
}

TEST(ConfigRules, BoolMustBeBool) {
  EXPECT_TRUE(FailedAt(Gateway("[[terminal]]\nserial = \"S1\"\nkind = \"usb\"\n"
                               "clear_after_receipt = \"yes\"\n"),
                       "terminal[0].clear_after_receipt", 12, "boolean"));
}

TEST(ConfigRules, StoreInitialNotAboveCap) {
  EXPECT_TRUE(FailedAt(Gateway("[store]\nmap_cap_mb = 16\ninitial_map_mb = 32\n"),
                       "store.initial_map_mb", 11, "map_cap_mb"));
}

TEST(ConfigRules, BackoffNotBelowAckTimeout) {
  EXPECT_TRUE(FailedAt(Gateway("[link]\nack_timeout_ms = 5000\nbackoff_max_ms = 1000\n"),
                       "link.backoff_max_ms", 11, "ack_timeout_ms"));
}

TEST(ConfigRules, SecurityNeedsUpstreamKey) {
  EXPECT_TRUE(FailedAt(Gateway("[security]\nsecret_key_file = \"/k\"\n"), "upstream[0].public_key",
                       6, "[security]"));
  EXPECT_TRUE(FailedAt(Gateway("public_key = \"short\"\n"), "upstream[0].public_key", 9, "40"));
}

TEST(ConfigRules, UpstreamKeyWithoutSecurityIsRefused) {
  EXPECT_TRUE(FailedAt(Gateway("public_key = \"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7\"\n"),
                       "upstream[0].public_key", 9, "plaintext"));
}

TEST(ConfigRules, AllowlistIsNotTheSecretKey) {
  std::string text = std::string(kRelayNode) +
                     "[security]\nsecret_key_file = \"/k\"\nallowed_keys_file = \"/k\"\n" +
                     "[[upstream]]\nid = \"bkpsdm\"\nendpoint = \"ipc://b\"\n" +
                     "public_key = \"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7\"\n";
  EXPECT_TRUE(FailedAt(ParseConfig(text, "r.toml", Role::kRelay), "security.allowed_keys_file", 5,
                       "two files"));
}

// Origin signatures: only a gateway signs, only the aggregator verifies, and the signing key
// is never the CURVE secret.
TEST(ConfigRules, SigningKeysBelongToTheirRoles) {
  const std::string relay_sec =
      std::string(kRelayNode) +
      "[security]\nsecret_key_file = \"/k\"\nallowed_keys_file = \"/a\"\n";
  const std::string up =
      "[[upstream]]\nid = \"bkpsdm\"\nendpoint = \"ipc://b\"\n"
      "public_key = \"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7\"\n";
  EXPECT_TRUE(
      FailedAt(ParseConfig(relay_sec + "signing_key_file = \"/s\"\n" + up, "r.toml", Role::kRelay),
               "security.signing_key_file", 5, "only a gateway"));
  EXPECT_TRUE(
      FailedAt(ParseConfig(relay_sec + "origin_keys_file = \"/o\"\n" + up, "r.toml", Role::kRelay),
               "security.origin_keys_file", 5, "only the aggregator"));
}

TEST(ConfigRules, SecureListenerNeedsAllowedKeys) {
  std::string text = std::string(kRelayNode) + "[security]\nsecret_key_file = \"/k\"\n" +
                     "[[upstream]]\nid = \"bkpsdm\"\nendpoint = \"ipc://b\"\n" +
                     "public_key = \"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7\"\n";
  EXPECT_TRUE(FailedAt(ParseConfig(text, "r.toml", Role::kRelay), "security.allowed_keys_file", 5,
                       "node.listen"));
}

TEST(ConfigRules, RelayNeedsListenAndUpstream) {
  std::string no_listen =
      "[node]\nid = \"diskominfo\"\nstate_dir = \"/s\"\n"
      "[[upstream]]\nid = \"bkpsdm\"\nendpoint = \"ipc://b\"\n";
  EXPECT_TRUE(FailedAt(ParseConfig(no_listen, "r.toml", Role::kRelay), "node.listen", 1, "relay"));
  EXPECT_TRUE(FailedAt(ParseConfig(kRelayNode, "r.toml", Role::kRelay), "upstream", 0, "relay"));
}

TEST(ConfigRules, AggregatorHasNoUpstream) {
  std::string text = std::string(kRelayNode) + "[[upstream]]\nid = \"x\"\nendpoint = \"ipc://x\"\n";
  EXPECT_TRUE(
      FailedAt(ParseConfig(text, "a.toml", Role::kAggregator), "upstream", 5, "no [[upstream]]"));
  EXPECT_TRUE(Loaded(ParseConfig(kRelayNode, "a.toml", Role::kAggregator)));
}

TEST(ConfigRules, AggregatorTableOnlyOnAggregator) {
  EXPECT_TRUE(FailedAt(Gateway("[aggregator]\nroster_file = \"/r\"\n"), "aggregator", 9,
                       "only allowed in an aggregator"));
}

TEST(ConfigRules, AdmsOnlyOnGateway) {
  std::string text = std::string(kRelayNode) + "[adms]\nlisten = \"127.0.0.1:8081\"\n";
  EXPECT_TRUE(FailedAt(ParseConfig(text, "a.toml", Role::kAggregator), "adms", 5, "gateway"));
}

TEST(ConfigRules, InlineTablesWork) {
  LoadResult r = ParseConfig(
      "node = { id = \"a\", unit = \"u\", state_dir = \"/s\", utc_offset = \"+08:00\" }\n"
      "upstream = [ { id = \"b\", endpoint = \"tcp://[::1]:7450\" } ]\n",
      "i.toml", Role::kGateway);
  ASSERT_TRUE(Loaded(r));
  EXPECT_EQ(r.config->node.utc_offset_min, 480);
  EXPECT_EQ(r.config->upstreams.at(0).endpoint, "tcp://[::1]:7450");
}

}  // namespace
}  // namespace titip::config

namespace titip::config {
namespace {

// The zk adapter's knobs: an address is required, the poll interval is bounded.
TEST(ConfigRules, ZkTerminalPollIntervalAndAddress) {
  const std::string zk = "[[terminal]]\nserial = \"ZK1\"\nkind = \"zk\"\n";  // lines 9-11
  auto ok = Gateway(zk + "address = \"10.1.2.3:4370\"\npoll_interval_s = 60\ncomm_key = 45\n");
  ASSERT_TRUE(Loaded(ok));
  EXPECT_EQ(ok.config->terminals[0].poll_interval_s, 60);
  EXPECT_EQ(ok.config->terminals[0].comm_key, 45u);
  EXPECT_TRUE(FailedAt(Gateway(zk + "address = \"10.1.2.3:4370\"\npoll_interval_s = 5\n"),
                       "terminal[0].poll_interval_s", 13, "10..86400"));
  EXPECT_TRUE(FailedAt(Gateway(zk), "terminal[0].address", 9, "missing"));
  auto udp = Gateway(zk + "address = \"10.1.2.3:4370\"\ntransport = \"udp\"\n");
  ASSERT_TRUE(Loaded(udp));
  EXPECT_EQ(udp.config->terminals[0].transport, "udp");
  EXPECT_EQ(ok.config->terminals[0].transport, "tcp");
  EXPECT_TRUE(FailedAt(Gateway(zk + "address = \"10.1.2.3:4370\"\ntransport = \"sctp\"\n"),
                       "terminal[0].transport", 13, "want tcp or udp"));
}

}  // namespace
}  // namespace titip::config
