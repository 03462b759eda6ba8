// `titipctl mesh --json` as a black box (SPEC §9): telemetry written into a store with the
// storage library (then closed, as a stopped aggregator would leave it) must come out of the
// real titipctl binary with exactly the documented fields, one object per node in id order.
#include <gtest/gtest.h>

#include "daemon_harness.h"
#include "titip/common/clock.h"
#include "titip/storage/store.h"

namespace titip::testing {
namespace {

constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kCompleteThrough = 1'710'489'600;  // civil 2024-03-15 08:00:00

struct TempStore {
  std::string dir = MakeTempDir("mesh-cli");
  ~TempStore() { RemoveTree(dir); }
};

void AddTerminal(wire::Telemetry* t, const std::string& serial, bool up, int64_t skew,
                 int64_t contact_age) {
  auto* term = t->add_terminals();
  term->set_serial(serial);
  term->set_up(up);
  term->set_clock_skew_s(skew);
  term->set_last_contact_age_s(contact_age);
}

void AddUpstream(wire::Telemetry* t, const std::string& id, bool up, bool active,
                 int64_t last_ack_age) {
  auto* u = t->add_upstreams();
  u->set_id(id);
  u->set_up(up);
  u->set_active(active);
  u->set_last_ack_age_s(last_ack_age);
}

// Writes `records` as the aggregator's store would hold them, and closes the store.
void WriteTelemetry(const std::string& dir,
                    const std::vector<std::pair<wire::Telemetry, int64_t>>& records) {
  storage::StoreOptions o;
  o.dir = dir;
  o.node_id = "sengeti";
  auto store = storage::Store::Open(o, SystemClock::Instance());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  for (const auto& [t, at] : records) {
    storage::WriteOp op;
    op.intake = true;
    op.apply = [&t = t, at = at](storage::WriteTxn& w) { return w.PutTelemetry(t, at); };
    Status s = (*store)->Write(std::move(op));
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
}

// `titipctl --state-dir DIR mesh [extra...]` (a free function: inside a TEST, Run is gtest's).
RunResult Mesh(const std::string& dir, const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {BinPath("titipctl"), "--state-dir", dir, "mesh"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return Run(argv);
}

nlohmann::json MeshJson(const std::string& dir) {
  RunResult r = Mesh(dir, {"--json"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out;
  return j;
}

TEST(MeshCli, PrintsEveryNodesLatestTelemetry) {
  TempStore tmp;
  const int64_t now = SystemClock::Instance().Wall().count();
  wire::Telemetry b;  // two terminals: the worst skew is the negative one
  b.set_node("kec-sekernan");
  b.set_queued(12);
  b.set_undelivered(40);
  b.set_oldest_queued_age_s(7200);
  b.set_bytes(480);
  b.set_complete_through(kCompleteThrough);
  AddTerminal(&b, "A6F1190360012", true, 5, 30);
  AddTerminal(&b, "A6F1190360013", false, -90, 86400);
  AddUpstream(&b, "diskominfo", true, true, 3);
  AddUpstream(&b, "diskominfo-cadangan", false, false, -1);
  wire::Telemetry a;  // no terminals, nothing queued, never complete
  a.set_node("diskominfo");
  wire::Telemetry old_b = b;
  old_b.set_queued(999);
  wire::Telemetry c;  // received "in the future": our clock stepped back since
  c.set_node("kec-jambi-luar-kota");
  AddTerminal(&c, "ZK1", true, 3, 0);
  WriteTelemetry(
      tmp.dir,
      {{old_b, now - 3 * kHourMs}, {b, now - kHourMs}, {a, now - 10'000}, {c, now + kHourMs}});

  nlohmann::json j = MeshJson(tmp.dir);
  ASSERT_TRUE(j.is_array()) << j.dump();
  ASSERT_EQ(j.size(), 3u) << j.dump();
  EXPECT_EQ(j[0]["node"], "diskominfo");
  EXPECT_EQ(j[1]["node"], "kec-jambi-luar-kota");
  EXPECT_EQ(j[2]["node"], "kec-sekernan");

  const nlohmann::json& rb = j[2];
  for (const char* key : {"node", "last_seen_age_s", "queued", "undelivered", "oldest_queued_age_s",
                          "terminals", "clock_skew_s", "bytes", "complete_through"}) {
    EXPECT_TRUE(rb.contains(key)) << key << " missing: " << rb.dump();
  }
  // Wall-clock ages: allow the seconds this test takes to run.
  EXPECT_GE(rb["last_seen_age_s"].get<int64_t>(), 3600);
  EXPECT_LE(rb["last_seen_age_s"].get<int64_t>(), 3660);
  EXPECT_EQ(rb["queued"], 12) << "an older report replaced the newer one";
  EXPECT_EQ(rb["undelivered"], 40);
  EXPECT_EQ(rb["oldest_queued_age_s"], 7200);
  EXPECT_EQ(rb["bytes"], 480);
  EXPECT_EQ(rb["clock_skew_s"], -90);
  EXPECT_EQ(rb["complete_through"], "2024-03-15T08:00:00");
  EXPECT_EQ(rb["terminals"], nlohmann::json::parse(R"([
      {"serial":"A6F1190360012","up":true,"clock_skew_s":5,"last_contact_age_s":30},
      {"serial":"A6F1190360013","up":false,"clock_skew_s":-90,"last_contact_age_s":86400}])"));

  // Each link as the node reported it; no custody ack yet reads as null.
  EXPECT_EQ(rb["upstreams"], nlohmann::json::parse(R"([
      {"id":"diskominfo","up":true,"active":true,"last_ack_age_s":3},
      {"id":"diskominfo-cadangan","up":false,"active":false,"last_ack_age_s":null}])"));

  const nlohmann::json& ra = j[0];
  EXPECT_GE(ra["last_seen_age_s"].get<int64_t>(), 10);
  EXPECT_LE(ra["last_seen_age_s"].get<int64_t>(), 70);
  EXPECT_EQ(ra["queued"], 0);
  EXPECT_EQ(ra["undelivered"], 0);
  EXPECT_EQ(ra["oldest_queued_age_s"], 0);
  EXPECT_EQ(ra["terminals"], nlohmann::json::array());
  EXPECT_EQ(ra["upstreams"], nlohmann::json::array());
  EXPECT_TRUE(ra["clock_skew_s"].is_null()) << ra.dump();
  EXPECT_TRUE(ra["complete_through"].is_null()) << ra.dump();

  EXPECT_EQ(j[1]["last_seen_age_s"], 0) << "a future stamp must read as 0, not negative";
  EXPECT_EQ(j[1]["clock_skew_s"], 3);

  // The table: a header and one line per node, in node id order.
  RunResult table = Mesh(tmp.dir, {});
  EXPECT_EQ(table.exit_code, 0);
  size_t head = table.out.find("NODE"), d = table.out.find("\ndiskominfo "),
         k = table.out.find("\nkec-jambi-luar-kota "), s = table.out.find("\nkec-sekernan ");
  EXPECT_TRUE(head == 0 && d != std::string::npos && k > d && s > k && s != std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("-90s"), std::string::npos) << table.out;
  // kec-sekernan's line ends with its links, the active one starred.
  EXPECT_NE(table.out.find("diskominfo*, diskominfo-cadangan (down)\n", s), std::string::npos)
      << table.out;
}

TEST(MeshCli, EmptyStorePrintsAnEmptyArray) {
  TempStore tmp;
  WriteTelemetry(tmp.dir, {});
  RunResult r = Mesh(tmp.dir, {"--json"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "[]\n");
}

TEST(MeshCli, MissingStoreIsNoInput) {
  TempStore tmp;
  RunResult r = Mesh(tmp.dir + "/nothing", {"--json"});
  EXPECT_EQ(r.exit_code, 66);  // EX_NOINPUT, cli/src/context.h
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace titip::testing
