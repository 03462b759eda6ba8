// Custody mesh, upstream choice: failover when the active link dies, hysteresis against a
// better upstream coming back (and against a flapping one), and cost over priority. Diamond:
// gw -> {relay-a (priority 1), relay-b (priority 2)} -> sink. Paths: engine_mesh_paths_test.cc.
#include <set>

#include "mesh_harness.h"

namespace titip::relay::mesh {
namespace {

using storage::Role;

constexpr char kGw[] = "gw";
constexpr char kA[] = "relay-a";
constexpr char kB[] = "relay-b";
constexpr char kSink[] = "sink";

void BuildDiamond(Mesh& m) {
  m.AddNode(kSink, Role::kSink);
  m.AddNode(kA, Role::kRelay, {{kSink, 1}});
  m.AddNode(kB, Role::kRelay, {{kSink, 1}});
  m.AddNode(kGw, Role::kOrigin, {{kA, 1}, {kB, 2}});
  m.Connect(kA, kSink);
  m.Connect(kB, kSink);
  m.Connect(kGw, kA);
  m.Connect(kGw, kB);
}

std::set<PunchKey> KeysInBundles(const Mesh& m, const std::string& from, const std::string& to,
                                 MonoTime since = MonoTime::min()) {
  std::set<PunchKey> out;
  for (const auto& f : m.sent) {
    if (f.from != from || f.to != to || !f.frame.has_bundle() || f.at < since) continue;
    for (const auto& p : PunchesOf(f.frame.bundle())) out.insert(storage::KeyOf(p));
  }
  return out;
}

LinkStatus StatusOf(Mesh& m, const std::string& node, const std::string& upstream) {
  for (const auto& s : m.node(node).engine->upstreams_status()) {
    if (s.id == upstream) return s;
  }
  ADD_FAILURE() << node << " has no upstream " << upstream;
  return {};
}

void ExpectDrained(Mesh& m, const std::vector<wire::Punch>& all) {
  ExpectSinkHoldsExactlyOnce(m, kSink, all);
  EXPECT_EQ(m.CountersOf(kGw).undelivered, 0u);
  EXPECT_EQ(m.CountersOf(kGw).queued, 0u);
  EXPECT_EQ(m.CountersOf(kA).queued, 0u);
  EXPECT_EQ(m.CountersOf(kB).queued, 0u);
  EXPECT_EQ(m.bad_receipts, 0u);
  EXPECT_EQ(m.misrouted, 0u);
}

TEST(EngineMeshTest, FailoverMovesUnackedBundlesToTheOtherRelay) {
  Mesh m;
  BuildDiamond(m);
  const Ms dead = m.node(kGw).options.heartbeat * m.node(kGw).options.dead_after_heartbeats;
  ASSERT_TRUE(m.RunUntil([&] { return StatusOf(m, kGw, kA).cost == 1; }, Ms(10'000)));
  ASSERT_EQ(m.ActiveUpstream(kGw), kA);
  auto all = m.AddPunches(kGw, "gw", 0, 3000);
  ASSERT_TRUE(
      m.RunUntil([&] { return m.node(kGw).engine->counters().punches_acked >= 1000; }, Ms(60'000)));
  // Mid-transfer, all of it through relay-a so far.
  EXPECT_EQ(m.CountSent(kGw, kB, FrameKind::kBundle), 0u);
  EXPECT_EQ(m.node(kB).engine->counters().bundles_received, 0u);
  EXPECT_EQ(m.node(kGw).engine->counters().failovers, 0u);
  ASSERT_GT(m.node(kGw).engine->upstream_status().in_flight, 0u);
  ASSERT_GT(m.CountersOf(kGw).queued, 0u);

  const MonoTime cut = m.now();
  m.SetNodeLinks(kA, false);
  m.RunFor(Ms(200));  // no ack can come now; pending custody marks commit
  std::set<PunchKey> unacked;
  auto to_a = KeysInBundles(m, kGw, kA);
  for (const auto& k : m.QueuedKeys(kGw)) {
    if (to_a.count(k)) unacked.insert(k);
  }
  ASSERT_FALSE(unacked.empty()) << "the cut should catch bundles in flight ";

  ASSERT_TRUE(m.RunUntil([&] { return m.ActiveUpstream(kGw) == kB; }, Ms(20'000)));
  const MonoTime switched = m.now();
  EXPECT_LE(switched - cut, dead + Ms(300)) << "failover must follow the dead-link rule";
  EXPECT_GE(switched - cut, dead - m.node(kGw).options.heartbeat);
  EXPECT_GE(m.node(kGw).engine->counters().failovers, 1u);

  ASSERT_TRUE(m.RunUntil([&] { return m.CountersOf(kGw).queued == 0; }, Ms(60'000)));
  auto to_b = KeysInBundles(m, kGw, kB, cut);
  for (const auto& k : unacked) EXPECT_TRUE(to_b.count(k)) << "unacked seq " << k.seq;
  EXPECT_EQ(m.ActiveUpstream(kGw), kB);
  // relay-a still holds what it had taken but not passed on: no receipt covers it yet.
  EXPECT_GT(m.CountersOf(kA).queued, 0u);
  EXPECT_GT(m.CountersOf(kGw).undelivered, 0u);

  m.SetNodeLinks(kA, true);
  ASSERT_TRUE(m.RunUntilQuiet(Ms(120'000)));
  ExpectDrained(m, all);
  EXPECT_GT(m.node(kSink).engine->counters().punches_duplicate, 0u)
      << "the bundles lost in flight reached the sink twice and were deduped";
}

TEST(EngineMeshTest, TrafficMovesBackOnlyAfterSwitchAfterAndNeverToAFlappingRelay) {
  MeshOptions o;
  o.base.switch_after = Ms(20'000);
  Mesh m(o);
  BuildDiamond(m);
  ASSERT_TRUE(m.RunUntil([&] { return StatusOf(m, kGw, kA).cost == 1; }, Ms(10'000)));
  // A steady trickle of punches, so that there is always traffic to route.
  std::vector<wire::Punch> all;
  MonoTime next_add = m.now();
  m.after_tick = [&] {
    if (m.now() < next_add) return;
    next_add += Ms(500);
    auto p = m.AddPunches(kGw, "gw", all.size(), 5);
    all.insert(all.end(), p.begin(), p.end());
  };
  m.RunFor(Ms(5000));
  ASSERT_GT(m.CountSent(kGw, kA, FrameKind::kBundle), 0u);
  m.SetNodeLinks(kA, false);
  ASSERT_TRUE(m.RunUntil([&] { return m.ActiveUpstream(kGw) == kB; }, Ms(20'000)));
  const uint64_t failovers = m.node(kGw).engine->counters().failovers;

  // relay-a comes back for good: traffic stays on relay-b for switch_after, then moves.
  const MonoTime back = m.now();
  m.SetNodeLinks(kA, true);
  ASSERT_TRUE(
      m.RunUntil([&] { return m.CountSent(kGw, kA, FrameKind::kBundle, back) > 0; }, Ms(60'000)));
  MonoTime first_to_a = m.now();
  for (const auto& f : m.sent) {
    if (f.from == kGw && f.to == kA && f.frame.has_bundle() && f.at >= back) {
      first_to_a = std::min(first_to_a, f.at);
    }
  }
  EXPECT_GE(first_to_a - back, o.base.switch_after) << "moved back before switch_after";
  EXPECT_LE(first_to_a - back, o.base.switch_after + 2 * o.base.heartbeat + Ms(500));
  EXPECT_GT(m.CountSent(kGw, kB, FrameKind::kBundle, back + Ms(1000)), 0u)
      << "relay-b kept the traffic meanwhile";
  EXPECT_EQ(m.ActiveUpstream(kGw), kA);
  EXPECT_EQ(m.node(kGw).engine->counters().failovers, failovers + 1);

  // Now relay-a flaps: up 8 s, down 10 s. Seen up, but never long enough to win traffic.
  m.SetNodeLinks(kA, false);
  ASSERT_TRUE(m.RunUntil([&] { return m.ActiveUpstream(kGw) == kB; }, Ms(20'000)));
  const MonoTime flapping = m.now();
  int seen_up = 0;
  for (int cycle = 0; cycle < 6; ++cycle) {
    m.SetNodeLinks(kA, true);
    m.RunFor(Ms(8000));
    LinkStatus a = StatusOf(m, kGw, kA);
    if (a.state == LinkState::kUp && a.cost == 1) ++seen_up;
    m.SetNodeLinks(kA, false);
    m.RunFor(Ms(10'000));
    EXPECT_EQ(m.ActiveUpstream(kGw), kB) << "cycle " << cycle;
  }
  EXPECT_EQ(seen_up, 6) << "relay-a should have been seen up in every cycle";
  EXPECT_EQ(m.CountSent(kGw, kA, FrameKind::kBundle, flapping), 0u)
      << "a flapping relay got traffic back";
  EXPECT_GT(m.CountSent(kGw, kB, FrameKind::kBundle, flapping), 0u);

  m.after_tick = nullptr;
  m.SetNodeLinks(kA, true);
  ASSERT_TRUE(m.RunUntilQuiet(Ms(180'000)));
  ExpectDrained(m, all);
}

TEST(EngineMeshTest, AnUpstreamWithoutRouteIsNotChosen) {
  Mesh m;
  BuildDiamond(m);
  m.SetLink(kA, kSink, false);  // relay-a is up for gw, but cannot reach the sink
  auto all = m.AddPunches(kGw, "gw", 0, 500);
  m.RunFor(Ms(30'000));
  EXPECT_EQ(m.ActiveUpstream(kGw), kB);
  EXPECT_EQ(m.CountSent(kGw, kA, FrameKind::kBundle), 0u);
  EXPECT_EQ(m.node(kA).engine->counters().bundles_received, 0u);
  EXPECT_EQ(m.node(kA).engine->cost(), kNoRoute);
  LinkStatus a = StatusOf(m, kGw, kA);
  EXPECT_EQ(a.state, LinkState::kUp);
  EXPECT_EQ(a.cost, kNoRoute);
  size_t replies = 0;
  for (const auto& f : m.sent) {
    if (f.from != kA || f.to != kGw || !f.frame.has_hello()) continue;
    ++replies;
    EXPECT_FALSE(f.frame.hello().sink_reachable());
    EXPECT_EQ(f.frame.hello().cost_to_sink(), kNoRoute);
  }
  EXPECT_GE(replies, 10u);
  EXPECT_EQ(m.CountersOf(kGw).undelivered, 0u);

  // Its route comes back: it advertises cost 1 and, being preferred, wins the traffic back.
  m.SetLink(kA, kSink, true);
  ASSERT_TRUE(m.RunUntil([&] { return m.ActiveUpstream(kGw) == kA; }, Ms(30'000)));
  EXPECT_EQ(StatusOf(m, kGw, kA).cost, 1u);
  auto more = m.AddPunches(kGw, "gw", 500, 2000);
  all.insert(all.end(), more.begin(), more.end());
  ASSERT_TRUE(
      m.RunUntil([&] { return m.CountSent(kA, kSink, FrameKind::kBundle) > 4; }, Ms(10'000)));

  // Only relay-a's own upstream dies; gw still hears relay-a, yet leaves it.
  const MonoTime cut = m.now();
  m.SetLink(kA, kSink, false);
  ASSERT_TRUE(m.RunUntil([&] { return m.ActiveUpstream(kGw) == kB; }, Ms(30'000)));
  const EngineOptions& go = m.node(kGw).options;
  EXPECT_LE(m.now() - cut, go.heartbeat * go.dead_after_heartbeats + go.heartbeat + Ms(500));
  EXPECT_EQ(StatusOf(m, kGw, kA).state, LinkState::kUp);
  EXPECT_EQ(StatusOf(m, kGw, kA).cost, kNoRoute);
  const MonoTime left = m.now() + Ms(100);
  m.RunFor(Ms(20'000));
  EXPECT_EQ(m.CountSent(kGw, kA, FrameKind::kBundle, left), 0u);

  m.SetLink(kA, kSink, true);
  ASSERT_TRUE(m.RunUntilQuiet(Ms(120'000)));
  ExpectDrained(m, all);
}

TEST(EngineMeshTest, LowerCostBeatsPriority) {
  Mesh m;
  m.AddNode(kSink, Role::kSink);
  m.AddNode(kB, Role::kRelay, {{kSink, 1}});
  m.AddNode("relay-far", Role::kRelay, {{kB, 1}});  // two hops from the sink
  m.AddNode(kGw, Role::kOrigin, {{"relay-far", 1}, {kB, 2}});
  m.Connect(kB, kSink);
  m.Connect("relay-far", kB);
  m.Connect(kGw, "relay-far");
  m.Connect(kGw, kB);
  m.RunFor(Ms(30'000));  // past switch_after: priority alone would have moved to relay-far
  auto all = m.AddPunches(kGw, "gw", 0, 300);
  ASSERT_TRUE(m.RunUntilQuiet(Ms(60'000)));
  EXPECT_EQ(m.node("relay-far").engine->cost(), 2u);
  EXPECT_EQ(m.node(kGw).engine->cost(), 2u);
  EXPECT_EQ(m.ActiveUpstream(kGw), kB);
  EXPECT_EQ(m.CountSent(kGw, "relay-far", FrameKind::kBundle), 0u);
  ExpectSinkHoldsExactlyOnce(m, kSink, all);
}

}  // namespace
}  // namespace titip::relay::mesh
