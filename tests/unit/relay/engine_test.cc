// Custody engine over real stores and a clean virtual wire: the happy path, the link handshake,
// commit-before-ack, the loop guard and frames from strangers. Faults: engine_faults_test.cc;
// randomized model test: engine_model_test.cc.
#include "engine_harness.h"
#include "titip/relay/punch_codec.h"

namespace titip::relay::testing {
namespace {

using storage::PunchState;

TEST(EngineTest, HappyPathDeliversEverythingOnceWithinTheWindow) {
  PairOptions o;
  o.bundle_max_punches = 100;
  o.window = 4;
  o.latency = Ms(20);
  EnginePair h(o);
  const size_t n = 2500;
  auto punches = h.AddPunches(0, n);
  size_t violations = 0;
  h.after_event = [&] {
    if (h.origin.engine->upstream_status().in_flight > o.window) ++violations;
  };
  ASSERT_TRUE(h.RunUntilDrained(Ms(60'000), Ms(10)));

  ExpectSinkHoldsExactly(h, punches);
  EXPECT_EQ(violations, 0u);
  EXPECT_EQ(h.max_in_flight, o.window) << "the window should fill up, not more";
  EXPECT_LE(h.max_wire_outstanding, o.window);
  storage::Counters oc = h.CountersOf(h.origin);
  EXPECT_EQ(oc.queued, 0u);
  EXPECT_EQ(oc.undelivered, 0u);
  for (auto& [p, st] : h.AllPunches(h.origin)) EXPECT_EQ(st, PunchState::kDelivered);
  const EngineCounters& sc = h.origin.engine->counters();
  EXPECT_EQ(sc.bundles_sent, n / o.bundle_max_punches);
  EXPECT_EQ(sc.bundles_acked, n / o.bundle_max_punches);
  EXPECT_EQ(sc.punches_acked, n);
  EXPECT_EQ(sc.bundles_retried, 0u);
  const EngineCounters& rc = h.sink.engine->counters();
  EXPECT_EQ(rc.punches_accepted, n);
  EXPECT_EQ(rc.punches_duplicate, 0u);
  EXPECT_EQ(rc.bundles_refused, 0u);
  EXPECT_EQ(h.bad_receipts, 0u);
  EXPECT_EQ(h.misrouted, 0u);
  EXPECT_EQ(h.origin.marked.size(), n);
  EXPECT_EQ(h.origin.engine->upstream_status().state, LinkState::kUp);
  EXPECT_EQ(h.origin.engine->upstream_status().in_flight, 0u);
  EXPECT_TRUE(h.origin.engine->upstream_status().last_ack.has_value());
}

TEST(EngineTest, NothingIsSentBeforeTheUpstreamAnswers) {
  EnginePair h;
  auto punches = h.AddPunches(0, 10);
  // The sink's answers never reach the origin.
  h.policy = [](const WireFrame& f) { return Verdict{f.up ? Fate::kDeliver : Fate::kDrop}; };
  h.Tick();
  h.Advance(Ms(30'000));
  EXPECT_EQ(h.CountSent(true, FrameKind::kBundle), 0u);
  EXPECT_GE(h.CountSent(true, FrameKind::kHello), 10u) << "hellos go on, one per heartbeat";
  EXPECT_EQ(h.origin.engine->upstream_status().state, LinkState::kConnecting);
  EXPECT_EQ(h.CountersOf(h.origin).queued, 10u);
  EXPECT_TRUE(h.SinkPunches().empty());

  h.policy = nullptr;  // the next hello is answered: now the bundle may go
  size_t mark = h.sent.size();
  ASSERT_TRUE(h.RunUntilDrained(Ms(10'000)));
  ExpectSinkHoldsExactly(h, punches);
  auto answer =
      std::find_if(h.sent.begin() + mark, h.sent.end(), [](const SentRecord& r) { return !r.up; });
  ASSERT_NE(answer, h.sent.end());
  EXPECT_GT(answer->at, MonoTime(Ms(30'000)));
  for (const auto& r : h.sent) {
    if (r.kind == FrameKind::kBundle) {
      EXPECT_GE(r.at, answer->at);
    }
  }
  EXPECT_EQ(h.origin.engine->upstream_status().state, LinkState::kUp);
}

TEST(EngineTest, AckIsSentOnlyAfterTheCommit) {
  EnginePair h;
  auto punches = h.AddPunches(0, 200);  // two bundles
  h.sink.defer = [](const WriteRequest& w) { return w.kind == WriteRequest::Kind::kAcceptBundle; };
  std::vector<uint64_t> stored_when_acked;  // sink punches on disk as each ack leaves
  h.policy = [&](const WireFrame& f) {
    if (f.frame.has_ack()) stored_when_acked.push_back(h.CountersOf(h.sink).punches);
    return Verdict{};
  };
  h.Tick();
  h.Advance(Ms(500));  // less than ack_timeout: no retransmits yet
  ASSERT_EQ(h.sink.deferred.size(), 2u);
  EXPECT_EQ(h.CountSent(false, FrameKind::kAck), 0u);
  EXPECT_EQ(h.CountersOf(h.sink).punches, 0u);
  EXPECT_EQ(h.origin.engine->upstream_status().in_flight, 2u);
  EXPECT_EQ(h.CountersOf(h.origin).queued, 200u);

  h.CompleteDeferred(h.sink, 1);
  ASSERT_EQ(h.CountSent(false, FrameKind::kAck), 1u);
  EXPECT_EQ(h.origin.engine->upstream_status().in_flight, 1u);
  EXPECT_EQ(h.CountersOf(h.origin).queued, 100u);
  h.CompleteDeferred(h.sink, 1);
  ASSERT_EQ(h.CountSent(false, FrameKind::kAck), 2u);
  EXPECT_EQ(stored_when_acked, (std::vector<uint64_t>{100, 200}));

  h.sink.defer = nullptr;
  ASSERT_TRUE(h.RunUntilDrained(Ms(10'000)));
  ExpectSinkHoldsExactly(h, punches);
}

// A bundle as another node would send it, with `trace`.
wire::Envelope ForeignBundle(const std::vector<std::string>& trace, uint32_t hop_limit = 8) {
  wire::Envelope e;
  e.set_version(kWireVersion);
  e.set_sender("relay-x");
  wire::Bundle* b = e.mutable_bundle();
  b->set_link_session(77);
  b->set_bundle_seq(1);
  b->set_hop_limit(hop_limit);
  for (const auto& t : trace) b->add_trace(t);
  wire::Punch p = MakePunch(5);
  p.set_origin("gw-far");
  p.set_epoch(99);
  p.set_seq(1);
  *b->add_punches() = p;
  return e;
}

TEST(EngineTest, LoopGuardRefusesABundleThatAlreadyPassedUs) {
  EnginePair h;
  Engine& sink = *h.sink.engine;
  sink.OnDownstreamFrame(h.now(), kPeer, ForeignBundle({"gw-far", kSinkId, "relay-x"}));
  EXPECT_TRUE(sink.TakeActions().empty()) << "no write, no ack";
  EXPECT_EQ(sink.counters().bundles_refused, 1u);
  sink.OnDownstreamFrame(h.now(), kPeer, ForeignBundle({"gw-far", "relay-x"}, 0));
  EXPECT_TRUE(sink.TakeActions().empty()) << "hop limit spent";
  EXPECT_EQ(sink.counters().bundles_refused, 2u);
  h.Pump();
  EXPECT_TRUE(h.AllPunches(h.sink).empty());
  EXPECT_EQ(h.CountSent(false, FrameKind::kAck), 0u);

  // Control: the same bundle without us in its trace is committed and acked.
  sink.OnDownstreamFrame(h.now(), kPeer, ForeignBundle({"gw-far", "relay-x"}));
  h.Pump();
  EXPECT_EQ(h.SinkPunches().size(), 1u);
  EXPECT_EQ(h.CountSent(false, FrameKind::kAck), 1u);
  EXPECT_EQ(sink.counters().bundles_refused, 2u);
}

// A driver hands an accepted bundle's punches back (GiveSpare) and the next bundle is unpacked
// into them: the write carries exactly the bundle's punches, nothing of what the spares held.
TEST(EngineTest, ABundleUnpackedIntoSparesCarriesNothingOfThem) {
  EnginePair h;
  Engine& sink = *h.sink.engine;
  std::vector<wire::Punch> spare(3, MakePunch(9));
  for (auto& p : spare) {
    p.add_path("stale-relay");
    p.set_hops(4);
    p.set_stored_at_ms(123);
  }
  sink.GiveSpare(std::move(spare));
  wire::Envelope e = ForeignBundle({"gw-far", "relay-x"});
  std::vector<wire::Punch> sent(e.bundle().punches().begin(), e.bundle().punches().end());
  e.mutable_bundle()->clear_punches();
  e.mutable_bundle()->set_packed(PackPunches(sent));
  sink.OnDownstreamFrame(h.now(), kPeer, e);
  std::vector<Action> actions = sink.TakeActions();
  ASSERT_EQ(actions.size(), 1u);
  ASSERT_EQ(actions[0].kind, Action::Kind::kWrite);
  const std::vector<wire::Punch>& got = actions[0].write.punches;
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].SerializeAsString(), sent[0].SerializeAsString());
}

TEST(EngineTest, UpstreamFramesFromAStrangerAreIgnored) {
  EnginePair h;
  h.AddPunches(0, 100);
  wire::Envelope hello;
  hello.set_version(kWireVersion);
  hello.set_sender("mallory");
  hello.mutable_hello()->set_node("mallory");
  h.InjectToOrigin(hello);
  EXPECT_EQ(h.origin.engine->counters().frames_ignored, 1u);
  EXPECT_EQ(h.origin.engine->upstream_status().state, LinkState::kConnecting);
  EXPECT_EQ(h.CountSent(true, FrameKind::kBundle), 0u) << "a stranger's hello opens nothing";

  // Bring the real link up with the sink's ack held back, then forge that ack.
  h.policy = [](const WireFrame& f) {
    return Verdict{f.frame.has_ack() ? Fate::kHold : Fate::kDeliver};
  };
  h.Tick();
  ASSERT_EQ(h.held.size(), 1u);
  wire::Envelope forged = h.held[0].frame;
  forged.set_sender("mallory");
  h.InjectToOrigin(forged);
  EXPECT_EQ(h.origin.engine->counters().frames_ignored, 2u);
  EXPECT_EQ(h.origin.engine->counters().bundles_acked, 0u);
  EXPECT_EQ(h.origin.engine->upstream_status().in_flight, 1u);
  EXPECT_TRUE(h.origin.marked.empty());
  EXPECT_EQ(h.CountersOf(h.origin).queued, 100u);

  h.Release([](const WireFrame&) { return true; });  // the genuine ack
  EXPECT_EQ(h.origin.engine->counters().bundles_acked, 1u);
  EXPECT_EQ(h.CountersOf(h.origin).queued, 0u);
  EXPECT_EQ(h.CountersOf(h.origin).undelivered, 0u);
}

// A receiver whose disk is behind stops taking bundles (no ack, so senders keep them) instead
// of queueing them in memory without bound; oversized bundles are refused by protocol bound.
TEST(EngineBackPressure, PendingAcceptsAreBoundedAndOversizedBundlesRefused) {
  EngineOptions o;
  o.node_id = "agg";
  o.role = storage::Role::kSink;
  Engine sink(o, nullptr);
  auto bundle = [](uint64_t seq, int punches) {
    wire::Envelope e;
    e.set_version(kWireVersion);
    e.set_sender("gw-a");
    e.mutable_bundle()->set_link_session(7);
    e.mutable_bundle()->set_bundle_seq(seq);
    e.mutable_bundle()->set_hop_limit(kDefaultHopLimit);
    for (int i = 0; i < punches; ++i) e.mutable_bundle()->add_punches()->set_seq(i + 1);
    return e;
  };
  MonoTime now{};
  sink.OnDownstreamFrame(now, "peer-1", bundle(1, kMaxBundlePunches + 1));
  EXPECT_EQ(sink.counters().bundles_refused, 1u);
  EXPECT_TRUE(sink.TakeActions().empty());
  for (uint64_t seq = 2; seq < 2 + kMaxPendingAccepts + 10; ++seq) {
    sink.OnDownstreamFrame(now, "peer-1", bundle(seq, 1));
  }
  EXPECT_EQ(sink.TakeActions().size(), kMaxPendingAccepts);
  EXPECT_EQ(sink.counters().bundles_refused, 11u);

  // The bound also counts punches: big bundles stop being taken long before 256 of them.
  Engine other(o, nullptr);
  size_t taken = 0;
  for (uint64_t seq = 1; seq <= 20; ++seq) {
    other.OnDownstreamFrame(now, "peer-1", bundle(seq, kMaxBundlePunches));
    taken += other.TakeActions().size();
  }
  EXPECT_EQ(taken, kMaxPendingPunches / kMaxBundlePunches);
  EXPECT_EQ(other.counters().bundles_refused, 20u - taken);
}

}  // namespace
}  // namespace titip::relay::testing
