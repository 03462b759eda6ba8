// Custody mesh, a relay forwarding what it has just committed (Engine::TakeCommitted) instead
// of reading it back from its store: the bundles it sends are the ones its store would have
// given, and whatever else is queued in between (a gateway's own punches, a new session) is
// still read from the store, so nothing is skipped or sent twice.
#include "mesh_harness.h"

namespace titip::relay::mesh {
namespace {

using storage::Role;

constexpr char kGw[] = "gw";
constexpr char kRelay[] = "relay";
constexpr char kSink[] = "sink";

struct LineRun {
  std::vector<std::string> bundles;  // relay -> sink, each bundle's punches serialized
  uint64_t relay_store_reads = 0;
  uint64_t relay_bundles_sent = 0;
};

// gw -> relay -> sink with 2,000 punches in two waves; the relay's bundles as the sink got them.
LineRun RunLine(bool forward_committed) {
  MeshOptions o;
  o.forward_committed = forward_committed;
  Mesh m(o);
  BuildLine(m);
  auto all = m.AddPunches(kGw, "gw", 0, 1200);
  m.RunFor(Ms(300));
  auto more = m.AddPunches(kGw, "gw", 1200, 800);
  all.insert(all.end(), more.begin(), more.end());
  EXPECT_TRUE(m.RunUntilQuiet(Ms(60'000)));
  ExpectSinkHoldsExactlyOnce(m, kSink, all);
  EXPECT_EQ(m.CountersOf(kRelay).queued, 0u);
  LineRun r;
  for (const auto& f : m.sent) {
    if (f.from != kRelay || f.to != kSink || !f.frame.has_bundle()) continue;
    std::string b;
    for (auto p : PunchesOf(f.frame.bundle())) {
      p.set_epoch(0);  // each run's stores draw their own epoch
      b += p.SerializeAsString();
    }
    r.bundles.push_back(std::move(b));
  }
  r.relay_store_reads = m.node(kRelay).store_reads;
  r.relay_bundles_sent = m.node(kRelay).engine->counters().bundles_sent;
  return r;
}

TEST(EngineMeshForwardTest, ARelaySendsFromMemoryExactlyWhatItsStoreWouldHaveGiven) {
  LineRun from_store = RunLine(false);
  LineRun from_memory = RunLine(true);
  ASSERT_GE(from_store.bundles.size(), 2000u / 50);
  ASSERT_EQ(from_memory.bundles.size(), from_store.bundles.size());
  for (size_t i = 0; i < from_store.bundles.size(); ++i) {
    EXPECT_TRUE(from_memory.bundles[i] == from_store.bundles[i]) << "bundle " << i << " differs";
  }
  EXPECT_EQ(from_store.relay_store_reads, from_store.relay_bundles_sent);
  EXPECT_EQ(from_memory.relay_store_reads, 0u) << "every bundle should come from memory";
}

// A gateway that relays for a neighbour also queues punches of its own terminals between the
// neighbour's bundles: their qseqs leave gaps in what it committed for the neighbour, and it
// must read those from its store, in queue order, with nothing lost or sent twice.
TEST(EngineMeshForwardTest, OwnPunchesQueuedInBetweenAreReadFromTheStore) {
  Mesh m;
  m.AddNode(kSink, Role::kSink);
  m.AddNode("gw-b", Role::kOrigin, {{kSink, 1}});
  m.AddNode("gw-a", Role::kOrigin, {{"gw-b", 1}});
  // A slow uplink keeps gw-b's window full, so its own punches are still unread when the
  // neighbour's next bundle commits behind them.
  m.Connect("gw-b", kSink, Ms(300));
  m.Connect("gw-a", "gw-b");
  m.RunFor(Ms(5000));  // links up: gw-b offers gw-a a route to the sink
  ASSERT_EQ(m.ActiveUpstream("gw-a"), "gw-b");
  std::vector<wire::Punch> all;
  for (size_t wave = 0; wave < 6; ++wave) {
    auto a = m.AddPunches("gw-a", "a", wave * 300, 300);
    m.RunFor(Ms(150));
    auto b = m.AddPunches("gw-b", "b", wave * 70, 70);
    m.RunFor(Ms(150));
    all.insert(all.end(), a.begin(), a.end());
    all.insert(all.end(), b.begin(), b.end());
  }
  ASSERT_TRUE(m.RunUntilQuiet(Ms(120'000)));
  ExpectSinkHoldsExactlyOnce(m, kSink, all);
  EXPECT_EQ(m.CountersOf("gw-b").queued, 0u);
  EXPECT_EQ(m.node(kSink).engine->counters().punches_duplicate, 0u);
  EXPECT_GT(m.node("gw-b").store_reads, 0u) << "its own punches come from the store";
  // Bundles of gw-b carry queue order: every punch once, a's in a's order.
  std::vector<PunchKey> sent_a, added_a;
  for (const auto& f : m.sent) {
    if (f.from != "gw-b" || f.to != kSink || !f.frame.has_bundle()) continue;
    for (const auto& p : PunchesOf(f.frame.bundle())) {
      if (p.origin() == "gw-a") sent_a.push_back(storage::KeyOf(p));
    }
  }
  for (const auto& p : all) {
    if (p.origin() == "gw-a") added_a.push_back(storage::KeyOf(p));
  }
  EXPECT_EQ(sent_a, added_a);
}

// The relay's link to the sink drops mid-transfer: the new session re-reads the store from the
// start, and what it had kept in memory is not sent a second time after that.
TEST(EngineMeshForwardTest, ANewSessionReadsTheStoreAndSendsNothingTwice) {
  Mesh m;
  BuildLine(m, nullptr, Ms(400));  // a slower uplink than the gateway's link: a relay backlog
  auto all = m.AddPunches(kGw, "gw", 0, 3000);
  ASSERT_TRUE(m.RunUntil([&] { return m.node(kSink).engine->counters().punches_accepted >= 500; },
                         Ms(60'000)));
  ASSERT_GT(m.node(kRelay).engine->committed_held(), 0u) << "no backlog in memory to test";
  m.SetLink(kRelay, kSink, false);
  // Long enough for the relay to call the link dead (3 missed heartbeats); the gateway keeps
  // handing it punches meanwhile.
  m.RunFor(Ms(8000));
  ASSERT_EQ(m.node(kRelay).engine->upstream_status().state, LinkState::kDown);
  ASSERT_GT(m.CountersOf(kRelay).queued, 0u);
  EXPECT_EQ(m.node(kRelay).engine->committed_held(), 0u) << "nothing kept through an outage";
  m.SetLink(kRelay, kSink, true);
  ASSERT_TRUE(m.RunUntilQuiet(Ms(120'000)));
  ExpectSinkHoldsExactlyOnce(m, kSink, all);
  EXPECT_GT(m.node(kRelay).store_reads, 0u) << "the new session starts from the store";
  EXPECT_EQ(m.CountersOf(kRelay).queued, 0u);
}

}  // namespace
}  // namespace titip::relay::mesh
