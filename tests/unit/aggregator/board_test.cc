// The status board's data (board.h): tile states and their precedence, the silence threshold,
// sums over a unit's gateways, units known only from telemetry, the mesh graph's nodes, edges
// and layout, and the JSON/page the server sends.
#include "titip/aggregator/board.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace titip::aggregator {
namespace {

constexpr int64_t kHour = 3600 * 1000;
// 2026-04-08 15:00 WIB (08:00 UTC), a Wednesday afternoon.
constexpr int64_t kNow = 1775635200000;
constexpr int kWib = 420;
constexpr int64_t kDay = 86400;
// Civil 00:00 of 2026-04-08 in WIB.
constexpr int64_t kToday = (kNow / 1000 + kWib * 60) / kDay * kDay;

NodeReport Gw(const std::string& node, const std::string& unit, int64_t seen_ago_ms,
              uint64_t queued = 0, std::vector<NodeReport::Upstream> ups = {}) {
  NodeReport r;
  r.node = node;
  r.unit = unit;
  r.last_seen_ms = kNow - seen_ago_ms;
  r.queued = queued;
  r.undelivered = queued;
  r.oldest_queued_age_s = queued ? seen_ago_ms / 1000 : 0;
  r.upstreams = std::move(ups);
  return r;
}

DeadlineRow Row(const std::string& unit, int days_ago, DeadlineStatus s) {
  DeadlineRow r;
  r.unit = unit;
  r.date = kToday - days_ago * kDay;
  r.status = s;
  r.reason = std::string("because ") + DeadlineStatusName(s);
  return r;
}

const Tile& TileOf(const Board& b, const std::string& unit) {
  for (const auto& t : b.tiles) {
    if (t.unit == unit) return t;
  }
  ADD_FAILURE() << "no tile " << unit;
  static Tile none;
  return none;
}

TEST(Board, DeadlineDecidesFirstThenSilence) {
  BoardInput in;
  in.sink = "bkpsdm";
  in.now_ms = kNow;
  in.roster_units = {"a-ok", "b-warn", "c-late", "d-silent", "e-never", "f-late-silent"};
  in.nodes = {Gw("gw-a", "a-ok", 10'000), Gw("gw-b", "b-warn", 10'000),
              Gw("gw-c", "c-late", 10'000), Gw("gw-d", "d-silent", 2 * kHour),
              Gw("gw-f", "f-late-silent", 80 * kHour)};
  in.deadline = {
      Row("a-ok", 1, DeadlineStatus::kOk),           Row("a-ok", 0, DeadlineStatus::kPending),
      Row("b-warn", 2, DeadlineStatus::kWarn),       Row("b-warn", 0, DeadlineStatus::kPending),
      Row("c-late", 4, DeadlineStatus::kLate),       Row("c-late", 3, DeadlineStatus::kLate),
      Row("c-late", 2, DeadlineStatus::kWarn),       Row("d-silent", 0, DeadlineStatus::kPending),
      Row("f-late-silent", 3, DeadlineStatus::kLate)};
  Board b = BuildBoard(in);
  ASSERT_EQ(b.tiles.size(), 6u);
  EXPECT_EQ(TileOf(b, "a-ok").state, TileState::kOk);
  EXPECT_EQ(TileOf(b, "b-warn").state, TileState::kWarn);
  EXPECT_EQ(TileOf(b, "b-warn").reason, "because warn");
  EXPECT_EQ(TileOf(b, "c-late").state, TileState::kLate);
  EXPECT_EQ(TileOf(b, "c-late").days_late, 2);
  EXPECT_EQ(TileOf(b, "d-silent").state, TileState::kSilent);
  EXPECT_EQ(TileOf(b, "e-never").state, TileState::kSilent);  // no rows given: nothing overdue
  EXPECT_EQ(TileOf(b, "e-never").last_contact_ms, 0);
  EXPECT_EQ(TileOf(b, "f-late-silent").state, TileState::kLate);  // late beats silent
  EXPECT_EQ(b.counts[TileState::kOk], 1);
  EXPECT_EQ(b.counts[TileState::kWarn], 1);
  EXPECT_EQ(b.counts[TileState::kLate], 2);
  EXPECT_EQ(b.counts[TileState::kSilent], 2);
}

TEST(Board, SilentAfterExactlyOneHour) {
  BoardInput in;
  in.sink = "bkpsdm";
  in.now_ms = kNow;
  in.roster_units = {"edge", "past"};
  in.nodes = {Gw("gw-e", "edge", kHour), Gw("gw-p", "past", kHour + 1)};
  Board b = BuildBoard(in);
  EXPECT_EQ(TileOf(b, "edge").state, TileState::kOk);
  EXPECT_EQ(TileOf(b, "past").state, TileState::kSilent);
  EXPECT_NE(TileOf(b, "past").reason.find("60 min"), std::string::npos);
}

// The real deadline evaluation feeding the board: a gateway offline since 2.5 days with
// punches queued is warn on a Wednesday afternoon, one offline 4 days is late, a roster unit
// that never reported is late (no data for days past D+3), a fresh one is ok.
TEST(Board, FromEvaluatedDeadlines) {
  std::vector<std::string> units = {"fresh", "offline-2d", "offline-4d", "never"};
  std::vector<GatewayReport> gws = {
      {"gw-fresh", "fresh", kToday + 14 * 3600, 0, 0, kNow - 5000},
      {"gw-2d", "offline-2d", kToday - 2 * kDay + 3600, 50, 50, kNow - 62 * kHour},
      {"gw-4d", "offline-4d", kToday - 4 * kDay + 3600, 900, 900, kNow - 110 * kHour},
  };
  BoardInput in;
  in.sink = "bkpsdm";
  in.now_ms = kNow;
  in.roster_units = units;
  in.deadline = EvaluateDeadlines(units, gws, kToday - 6 * kDay, kToday, kNow, DeadlineOptions{});
  in.nodes = {Gw("gw-fresh", "fresh", 5000), Gw("gw-2d", "offline-2d", 62 * kHour, 50),
              Gw("gw-4d", "offline-4d", 110 * kHour, 900)};
  in.arrivals_today = {{"fresh", 312}};
  Board b = BuildBoard(in);
  EXPECT_EQ(TileOf(b, "fresh").state, TileState::kOk);
  EXPECT_EQ(TileOf(b, "fresh").arrivals_today, 312u);
  EXPECT_EQ(TileOf(b, "offline-2d").state, TileState::kWarn);
  EXPECT_EQ(TileOf(b, "offline-2d").queued, 50u);
  EXPECT_EQ(TileOf(b, "offline-4d").state, TileState::kLate);
  EXPECT_EQ(TileOf(b, "never").state, TileState::kLate);
  EXPECT_EQ(TileOf(b, "never").arrivals_today, 0u);
}

TEST(Board, UnitSumsItsGatewaysAndTelemetryOnlyUnitsAppear) {
  BoardInput in;
  in.sink = "bkpsdm";
  in.now_ms = kNow;
  in.roster_units = {"setda"};
  in.nodes = {Gw("gw-setda-1", "setda", 30'000, 10), Gw("gw-setda-2", "setda", 5000, 7),
              Gw("gw-new", "kec-baru", 1000)};
  Board b = BuildBoard(in);
  ASSERT_EQ(b.tiles.size(), 2u);
  EXPECT_EQ(b.tiles[0].unit, "kec-baru");  // sorted by unit id
  EXPECT_FALSE(b.tiles[0].in_roster);
  const Tile& s = TileOf(b, "setda");
  EXPECT_TRUE(s.in_roster);
  EXPECT_EQ(s.queued, 17u);
  EXPECT_EQ(s.last_contact_ms, kNow - 5000);  // the newest report
  EXPECT_EQ(s.oldest_queued_age_s, 30);
  EXPECT_EQ(s.nodes, (std::vector<std::string>{"gw-setda-1", "gw-setda-2"}));
}

TEST(Board, MeshGraphColumnsAndEdgeStates) {
  BoardInput in;
  in.sink = "bkpsdm";
  in.now_ms = kNow;
  in.roster_units = {"a", "b", "c"};
  in.nodes = {
      Gw("gw-a", "a", 5000, 0, {{"diskominfo", true, true, 3}, {"backup", true, false, -1}}),
      Gw("gw-b", "b", 5000, 0, {{"diskominfo", false, false, 900}, {"backup", true, true, 2}}),
      Gw("gw-c", "c", 2 * kHour, 0, {{"diskominfo", true, true, 1}}),
      Gw("diskominfo", "", 5000, 0, {{"bkpsdm", true, true, 1}}),
      Gw("bkpsdm", "", 0),
  };
  Board b = BuildBoard(in);
  std::map<std::string, GraphNode> nodes;
  for (const auto& n : b.nodes) nodes[n.id] = n;
  ASSERT_EQ(nodes.size(), 6u);  // 3 gateways, diskominfo, backup (never reported), bkpsdm
  EXPECT_EQ(nodes["gw-a"].kind, NodeKind::kGateway);
  EXPECT_EQ(nodes["gw-c"].state, TileState::kSilent);  // its unit's tile
  EXPECT_EQ(nodes["diskominfo"].kind, NodeKind::kRelay);
  EXPECT_EQ(nodes["diskominfo"].state, TileState::kOk);
  EXPECT_EQ(nodes["backup"].kind, NodeKind::kRelay);
  EXPECT_EQ(nodes["backup"].state, TileState::kSilent);
  EXPECT_EQ(nodes["bkpsdm"].kind, NodeKind::kAggregator);
  EXPECT_LT(nodes["gw-a"].x, nodes["diskominfo"].x);
  EXPECT_LT(nodes["diskominfo"].x, nodes["bkpsdm"].x);
  EXPECT_LT(nodes["gw-a"].y, nodes["gw-b"].y);
  EXPECT_LT(nodes["gw-c"].y, b.height);
  std::map<std::pair<std::string, std::string>, EdgeState> edges;
  for (const auto& e : b.edges) edges[{e.from, e.to}] = e.state;
  ASSERT_EQ(edges.size(), 6u);
  EXPECT_EQ((edges[{"gw-a", "diskominfo"}]), EdgeState::kActive);
  EXPECT_EQ((edges[{"gw-a", "backup"}]), EdgeState::kStandby);
  EXPECT_EQ((edges[{"gw-b", "diskominfo"}]), EdgeState::kDown);
  EXPECT_EQ((edges[{"gw-b", "backup"}]), EdgeState::kActive);
  EXPECT_EQ((edges[{"gw-c", "diskominfo"}]), EdgeState::kStale);  // report 2 h old
  EXPECT_EQ((edges[{"diskominfo", "bkpsdm"}]), EdgeState::kActive);
}

TEST(Board, JsonAndPage) {
  BoardInput in;
  in.sink = "bkpsdm";
  in.now_ms = kNow;
  in.roster_units = {"setda"};
  in.nodes = {Gw("gw-setda", "setda", 125'000, 3, {{"bkpsdm", true, true, 4}})};
  in.deadline = {Row("setda", 0, DeadlineStatus::kPending)};
  in.deadline[0].reason = "</script><b>x</b>";  // must not end the embedded JSON
  in.arrivals_today = {{"setda", 42}};
  Board b = BuildBoard(in);
  auto j = nlohmann::json::parse(BoardJson(b, kWib));
  EXPECT_EQ(j["local_time"], "2026-04-08 15:00:00");
  EXPECT_EQ(j["counts"]["ok"], 1);
  ASSERT_EQ(j["tiles"].size(), 1u);
  EXPECT_EQ(j["tiles"][0]["state"], "ok");
  EXPECT_EQ(j["tiles"][0]["last_contact_age_s"], 125);
  EXPECT_EQ(j["tiles"][0]["queued"], 3);
  EXPECT_EQ(j["tiles"][0]["arrivals_today"], 42);
  EXPECT_EQ(j["graph"]["edges"][0]["state"], "active");
  EXPECT_EQ(j["graph"]["nodes"].size(), 2u);

  in.deadline[0].status = DeadlineStatus::kWarn;
  std::string page = BoardPage(BuildBoard(in), kWib);
  EXPECT_EQ(page.find("</script><b>"), std::string::npos);
  EXPECT_NE(page.find("\\u003c/script>\\u003cb>"), std::string::npos);
  // No external assets: nothing is loaded from anywhere (the one URL is the SVG namespace).
  for (const char* bad : {" src=", "href=", "@import", "url("}) {
    EXPECT_EQ(page.find(bad), std::string::npos) << bad;
  }
  EXPECT_NE(page.find("<td>setda</td><td class=\"warn\">PERINGATAN</td><td>2 menit lalu</td>"),
            std::string::npos);  // the no-JavaScript table
}

}  // namespace
}  // namespace titip::aggregator
