// Custody mesh, loop guards: two relays that (misconfigured) list each other never circle
// punches nor invent a route between them, a relay never hands bundles back to a node that
// sends it bundles, a bundle whose trace holds the receiver or that has no hop left is refused,
// and hops are counted per punch, not from the trace.
#include <algorithm>
#include <map>
#include <set>

#include "mesh_harness.h"

namespace titip::relay::mesh {
namespace {

using storage::Role;

constexpr char kGw[] = "gw";
constexpr char kSink[] = "sink";

bool IsBundle(bool up, const wire::Envelope& e) { return up && e.has_bundle(); }

// r1 and r2 list each other first, then the sink; gw -> r1.
void BuildMutual(Mesh& m) {
  m.AddNode(kSink, Role::kSink);
  m.AddNode("r1", Role::kRelay, {{"r2", 1}, {kSink, 2}});
  m.AddNode("r2", Role::kRelay, {{"r1", 1}, {kSink, 2}});
  m.AddNode(kGw, Role::kOrigin, {{"r1", 1}});
  m.Connect(kGw, "r1");
  m.Connect("r1", "r2");
  m.Connect("r2", "r1");
  m.Connect("r1", kSink);
  m.Connect("r2", kSink);
}

void ExpectNoCircle(Mesh& m, size_t n) {
  EXPECT_EQ(m.CountSent("r2", "r1", FrameKind::kBundle), 0u) << "r2 handed punches back";
  EXPECT_EQ(m.node("r1").engine->counters().punches_accepted, n) << "r1 took a punch twice";
  EXPECT_EQ(m.node("r1").engine->counters().punches_duplicate, 0u);
  EXPECT_EQ(m.node("r1").engine->counters().bundles_refused, 0u);
  EXPECT_LE(m.node("r2").engine->counters().punches_accepted, n);
}

// No route at first; then r1 takes custody of everything through a sink link that swallows
// bundles and loses it; then `healed` gets its sink link back.
void MutualRelaysDrainOnce(const std::string& healed) {
  Mesh m;
  BuildMutual(m);
  m.SetLink("r1", kSink, false);
  m.SetLink("r2", kSink, false);
  auto all = m.AddPunches(kGw, "gw", 0, 400);

  m.RunFor(Ms(30'000));  // nobody claims a route, nothing moves
  EXPECT_EQ(m.node("r1").engine->cost(), kNoRoute);
  EXPECT_EQ(m.node("r2").engine->cost(), kNoRoute);
  for (const auto& f : m.sent) EXPECT_FALSE(f.frame.has_bundle()) << f.from << "->" << f.to;
  EXPECT_EQ(m.CountersOf(kGw).queued, all.size());

  m.link("r1", kSink).drop = IsBundle;
  m.SetLink("r1", kSink, true);
  ASSERT_TRUE(m.RunUntil([&] { return m.CountersOf(kGw).queued == 0; }, Ms(30'000)));
  EXPECT_EQ(m.CountersOf("r1").queued, all.size());
  m.SetLink("r1", kSink, false);
  m.link("r1", kSink).drop = nullptr;
  m.RunFor(Ms(60'000));
  ExpectNoCircle(m, all.size());
  std::set<PunchKey> live;
  size_t copies = 0;
  for (const char* id : {"r1", "r2"}) {
    for (const auto& k : m.QueuedKeys(id)) {
      ++copies;
      live.insert(k);
    }
  }
  EXPECT_EQ(copies, all.size()) << "a punch is queued at two relays at once";
  EXPECT_EQ(live.size(), all.size());
  EXPECT_EQ(m.node("r1").engine->cost(), kNoRoute) << "costs must settle, not count up";
  EXPECT_EQ(m.node("r2").engine->cost(), kNoRoute);
  EXPECT_EQ(m.ActiveUpstream(kGw), "");

  m.SetLink(healed, kSink, true);
  ASSERT_TRUE(m.RunUntilQuiet(Ms(120'000)))
      << "stuck: r1 queued " << m.CountersOf("r1").queued << ", r2 queued "
      << m.CountersOf("r2").queued << ", gw undelivered " << m.CountersOf(kGw).undelivered;
  ExpectNoCircle(m, all.size());
  ExpectSinkHoldsExactlyOnce(m, kSink, all);
  EXPECT_EQ(m.CountersOf(kGw).undelivered, 0u);
}

TEST(EngineMeshLoopTest, MutualRelaysDrainOnceWhenR2GetsARoute) { MutualRelaysDrainOnce("r2"); }
TEST(EngineMeshLoopTest, MutualRelaysDrainOnceWhenR1GetsARoute) { MutualRelaysDrainOnce("r1"); }

// r2 routes through r1; r1 loses the sink. Neither may then advertise a route through the
// other (a count to infinity), or gw would hand its punches into a dead end.
TEST(EngineMeshLoopTest, MutualRelaysDoNotInventARouteWhenTheSinkGoesAway) {
  Mesh m;
  BuildMutual(m);
  m.SetLink("r2", kSink, false);
  ASSERT_TRUE(m.RunUntil(
      [&] { return m.node("r2").engine->cost() == 2 && m.node(kGw).engine->cost() == 2; },
      Ms(20'000)));
  const EngineOptions& o = m.node("r1").options;
  m.SetLink("r1", kSink, false);
  auto no_route = [&] {
    for (const char* id : {"r1", "r2", kGw}) {
      if (m.node(id).engine->cost() != kNoRoute) return false;
    }
    return true;
  };
  ASSERT_TRUE(m.RunUntil(no_route, o.heartbeat * (o.dead_after_heartbeats + 3)))
      << "r1 " << m.node("r1").engine->cost() << " r2 " << m.node("r2").engine->cost();
  size_t claimed = 0;
  m.after_tick = [&] { claimed += !no_route(); };
  m.RunFor(Ms(60'000));
  EXPECT_EQ(claimed, 0u) << "a route came back from nowhere";

  auto all = m.AddPunches(kGw, "gw", 0, 200);
  m.RunFor(Ms(30'000));
  EXPECT_EQ(m.CountersOf(kGw).queued, all.size()) << "punches went into a dead end";
  EXPECT_EQ(m.CountersOf("r1").punches + m.CountersOf("r2").punches, 0u);

  m.after_tick = nullptr;
  m.SetLink("r1", kSink, true);
  ASSERT_TRUE(m.RunUntilQuiet(Ms(60'000)));
  ExpectSinkHoldsExactlyOnce(m, kSink, all);
}

// A ring r1 -> r2 -> r3 -> r1 (each also lists the sink; only r1 reaches it). When r1 loses the
// sink, poison reverse cannot help (no one routes straight back); the hop limit ends the count.
TEST(EngineMeshLoopTest, ARingOfRelaysSettlesOnNoRoute) {
  Mesh m;
  m.AddNode(kSink, Role::kSink);
  const std::vector<std::string> ring = {"r1", "r2", "r3"};
  for (size_t i = 0; i < ring.size(); ++i) {
    const std::string& next = ring[(i + 1) % ring.size()];
    m.AddNode(ring[i], Role::kRelay, {{next, 1}, {kSink, 2}});
    m.Connect(ring[i], next);
    m.Connect(ring[i], kSink);
    if (i > 0) m.SetLink(ring[i], kSink, false);
  }
  m.AddNode(kGw, Role::kOrigin, {{"r1", 1}});
  m.Connect(kGw, "r1");
  ASSERT_TRUE(m.RunUntil([&] { return m.node("r2").engine->cost() == 3; }, Ms(30'000)));
  m.SetLink("r1", kSink, false);
  auto no_route = [&] {
    for (const auto& id : ring) {
      if (m.node(id).engine->cost() != kNoRoute) return false;
    }
    return m.node(kGw).engine->cost() == kNoRoute;
  };
  ASSERT_TRUE(m.RunUntil(no_route, Ms(60'000)))
      << "r1 " << m.node("r1").engine->cost() << " r2 " << m.node("r2").engine->cost();
  size_t claimed = 0;
  m.after_tick = [&] { claimed += !no_route(); };
  m.RunFor(Ms(60'000));
  EXPECT_EQ(claimed, 0u);
  auto all = m.AddPunches(kGw, "gw", 0, 100);
  m.RunFor(Ms(30'000));
  EXPECT_EQ(m.CountersOf(kGw).queued, all.size()) << "punches went into a dead end";
  m.after_tick = nullptr;
  m.SetLink("r1", kSink, true);
  ASSERT_TRUE(m.RunUntilQuiet(Ms(60'000)));
  ExpectSinkHoldsExactlyOnce(m, kSink, all);
}

// relay-x lists gw as an upstream while gw sends it bundles. gw first routes through relay-x,
// then (relay-x's sink gone) through relay-y, and so advertises a real route to relay-x.
TEST(EngineMeshLoopTest, RelayNeverSendsBundlesBackToItsSender) {
  Mesh m;
  m.AddNode(kSink, Role::kSink);
  m.AddNode("relay-x", Role::kRelay, {{kGw, 1}, {kSink, 2}});
  m.AddNode("relay-y", Role::kRelay, {{kSink, 1}});
  m.AddNode(kGw, Role::kOrigin, {{"relay-x", 1}, {"relay-y", 2}});
  m.Connect(kGw, "relay-x");
  m.Connect(kGw, "relay-y");
  m.Connect("relay-x", kGw);
  m.Connect("relay-x", kSink);
  m.Connect("relay-y", kSink);
  size_t chose_gw = 0;
  m.after_tick = [&] { chose_gw += m.ActiveUpstream("relay-x") == kGw; };
  ASSERT_TRUE(m.RunUntil([&] { return m.ActiveUpstream(kGw) == "relay-x"; }, Ms(10'000)));
  m.link("relay-x", kSink).drop = IsBundle;  // relay-x takes custody, cannot pass it on
  auto all = m.AddPunches(kGw, "gw", 0, 400);
  ASSERT_TRUE(m.RunUntil([&] { return m.CountersOf(kGw).queued == 0; }, Ms(30'000)));
  ASSERT_EQ(m.CountersOf("relay-x").queued, all.size());

  m.SetLink("relay-x", kSink, false);
  m.link("relay-x", kSink).drop = nullptr;
  ASSERT_TRUE(m.RunUntil([&] { return m.ActiveUpstream(kGw) == "relay-y"; }, Ms(30'000)));
  m.RunFor(Ms(60'000));
  uint32_t gw_cost_at_x = kNoRoute;
  for (const auto& s : m.node("relay-x").engine->upstreams_status()) {
    if (s.id == kGw) gw_cost_at_x = s.cost;
  }
  EXPECT_EQ(gw_cost_at_x, 2u) << "gw should look like a route to relay-x";
  EXPECT_EQ(m.CountSent("relay-x", kGw, FrameKind::kBundle), 0u);
  EXPECT_EQ(chose_gw, 0u);
  EXPECT_EQ(m.node("relay-x").engine->cost(), kNoRoute);
  EXPECT_EQ(m.node(kGw).engine->counters().bundles_received, 0u);
  EXPECT_EQ(m.CountersOf("relay-x").queued, all.size()) << "relay-x holds them meanwhile";

  m.SetLink("relay-x", kSink, true);
  ASSERT_TRUE(m.RunUntilQuiet(Ms(120'000)));
  EXPECT_EQ(m.CountSent("relay-x", kGw, FrameKind::kBundle), 0u);
  EXPECT_EQ(chose_gw, 0u);
  ExpectSinkHoldsExactlyOnce(m, kSink, all);
}

TEST(EngineMeshLoopTest, BundleWhoseTraceHoldsTheReceiverIsRefused) {
  Mesh m;
  m.AddNode(kSink, Role::kSink);
  m.AddNode("r1", Role::kRelay, {{kSink, 1}});
  m.Connect("r1", kSink);
  size_t i = 0;
  auto bundle_with_trace = [&](std::vector<std::string> trace,
                               uint32_t hop_limit = kDefaultHopLimit) {
    wire::Envelope e;
    e.set_version(kWireVersion);
    e.set_sender("r2");
    wire::Bundle* b = e.mutable_bundle();
    b->set_link_session(77);
    b->set_bundle_seq(++i);
    b->set_hop_limit(hop_limit);
    for (auto& t : trace) b->add_trace(t);
    wire::Punch p = MakePunch("x", i);
    p.set_origin("gw");
    p.set_epoch(42);
    p.set_seq(i);
    *b->add_punches() = p;
    return e;
  };
  m.RunFor(Ms(3000));
  const uint64_t writes = m.node("r1").writes_ok, misrouted = m.misrouted;
  m.InjectDown("r1", "rt-stranger", bundle_with_trace({"r2", "r1", kGw}));
  m.InjectDown("r1", "rt-stranger", bundle_with_trace({"r2", kGw}, 0));  // no hop left
  std::vector<std::string> huge(kMaxTrace + 1);
  for (size_t k = 0; k < huge.size(); ++k) huge[k] = "n" + std::to_string(k);
  m.InjectDown("r1", "rt-stranger", bundle_with_trace(huge));
  m.RunFor(Ms(500));
  EXPECT_EQ(m.node("r1").engine->counters().bundles_refused, 3u);
  EXPECT_EQ(m.node("r1").writes_ok, writes);
  EXPECT_EQ(m.misrouted, misrouted) << "a refused bundle was answered";
  EXPECT_EQ(m.CountersOf("r1").punches, 0u);

  // The same bundle without the loop is taken (and its ack goes to the stranger's route).
  // A long trace is no reason to refuse: a relay's bundle names every gateway it carries for.
  m.InjectDown("r1", "rt-stranger", bundle_with_trace({"r2", kGw}, 1));
  m.InjectDown("r1", "rt-stranger",
               bundle_with_trace(std::vector<std::string>(huge.begin(), huge.begin() + 40)));
  m.RunFor(Ms(500));
  EXPECT_EQ(m.node("r1").engine->counters().bundles_refused, 3u);
  EXPECT_EQ(m.CountersOf("r1").punches, 2u);
  EXPECT_EQ(m.misrouted, misrouted + 2);
}

// Hops are counted per punch: each relay lowers the hop limit of the bundles it sends by the
// hops its punches already made, however many gateways' punches (and trace entries) it mixes.
TEST(EngineMeshLoopTest, HopLimitCountsLinksNotTraceEntries) {
  Mesh m;
  m.AddNode(kSink, Role::kSink);
  m.AddNode("r2", Role::kRelay, {{kSink, 1}});
  m.AddNode("r1", Role::kRelay, {{"r2", 1}});
  m.Connect("r1", "r2");
  m.Connect("r2", kSink);
  std::vector<wire::Punch> all;
  for (int g = 0; g < 12; ++g) {
    const std::string gw = "gw-" + std::to_string(g);
    m.AddNode(gw, Role::kOrigin, {{"r1", 1}});
    m.Connect(gw, "r1");
  }
  // r1's bundles are swallowed while it collects the punches of all twelve; its restart then
  // sends them afresh, mixed.
  bool swallow = true;
  m.link("r1", "r2").drop = [&](bool up, const wire::Envelope& e) {
    return swallow && IsBundle(up, e);
  };
  for (int g = 0; g < 12; ++g) {
    auto p = m.AddPunches("gw-" + std::to_string(g), "t" + std::to_string(g), 0, 3);
    all.insert(all.end(), p.begin(), p.end());
  }
  ASSERT_TRUE(m.RunUntil([&] { return m.CountersOf("r1").queued == all.size(); }, Ms(60'000)));
  swallow = false;
  m.Restart("r1", false);
  ASSERT_TRUE(m.RunUntilQuiet(Ms(120'000)));
  ExpectSinkHoldsExactlyOnce(m, kSink, all);

  std::map<std::string, std::set<uint32_t>> limits;  // sender -> hop limits it used
  size_t longest_trace = 0;
  for (const auto& f : m.sent) {
    if (!IsBundle(f.up, f.frame)) continue;
    limits[f.from].insert(f.frame.bundle().hop_limit());
    if (f.from == "r2")
      longest_trace = std::max<size_t>(longest_trace, f.frame.bundle().trace_size());
  }
  EXPECT_EQ(limits["gw-0"], (std::set<uint32_t>{kDefaultHopLimit}));
  EXPECT_EQ(limits["r1"], (std::set<uint32_t>{kDefaultHopLimit - 1}));
  EXPECT_EQ(limits["r2"], (std::set<uint32_t>{kDefaultHopLimit - 2}));
  EXPECT_GT(longest_trace, static_cast<size_t>(kDefaultHopLimit)) << "r1 mixed the gateways";
  for (const auto& id : {"r1", "r2", kSink}) {
    EXPECT_EQ(m.node(id).engine->counters().bundles_refused, 0u) << id;
  }
}

}  // namespace
}  // namespace titip::relay::mesh
