// Custody mesh, what travels along a path: end-to-end receipts back down through a relay, the
// origin's re-offer after a relay lost its disk, and telemetry up to the sink. Upstream
// choice: engine_mesh_test.cc; loop guards: engine_mesh_loop_test.cc.
#include "mesh_harness.h"

namespace titip::relay::mesh {
namespace {

constexpr char kGw[] = "gw";
constexpr char kRelay[] = "relay";
constexpr char kSink[] = "sink";

bool IsBundle(bool up, const wire::Envelope& e) { return up && e.has_bundle(); }

TEST(EngineMeshPathsTest, ReceiptsReachTheOriginThroughARelay) {
  Mesh m;
  BuildLine(m);
  auto all = m.AddPunches(kGw, "gw", 0, 1000);
  ASSERT_TRUE(m.RunUntilQuiet(Ms(60'000)));
  ExpectSinkHoldsExactlyOnce(m, kSink, all);
  EXPECT_EQ(m.CountersOf(kGw).undelivered, 0u);
  for (const auto& p : all) EXPECT_EQ(m.StateOf(kGw, storage::KeyOf(p)), PunchState::kDelivered);
  for (const auto& f : m.sent) {
    EXPECT_FALSE((f.from == kGw && f.to == kSink) || (f.from == kSink && f.to == kGw));
  }
  // The relay keeps identities only: tombstones to drop late retransmits.
  storage::Counters rc = m.CountersOf(kRelay);
  EXPECT_EQ(rc.punches, all.size());
  EXPECT_EQ(rc.queued, 0u);
  EXPECT_TRUE(m.StoredAtSink(kRelay).empty()) << "a relay kept punch bodies";
  for (const auto& p : all) EXPECT_EQ(m.StateOf(kRelay, storage::KeyOf(p)), PunchState::kForwarded);
  // The receipts rode on the relay's hello replies (its acks carry none).
  size_t hellos_with_receipt = 0;
  for (const auto& f : m.sent) {
    if (f.from != kRelay || f.to != kGw) continue;
    if (f.frame.has_ack()) {
      EXPECT_EQ(f.frame.ack().receipts_size(), 0);
    }
    if (!f.frame.has_hello()) continue;
    for (const auto& r : f.frame.hello().receipts()) {
      if (r.origin() == kGw) ++hellos_with_receipt;
    }
  }
  EXPECT_GT(hellos_with_receipt, 0u);
  EXPECT_EQ(m.bad_receipts, 0u);
}

// A relay pushes the sink's receipt down as soon as it learns it, instead of waiting for the
// origin's next hello: with hellos 10 s apart, the origin has every receipt well within 1 s.
TEST(EngineMeshPathsTest, ARelayPushesReceiptsWithoutWaitingForTheNextHello) {
  MeshOptions o;
  o.base.heartbeat = Ms(10'000);
  Mesh m(o);
  BuildLine(m);
  m.RunFor(Ms(10'500));  // links up; the gateway's next hello is due at ~20 s
  const MonoTime start = m.now();
  auto all = m.AddPunches(kGw, "gw", 0, 200);
  ASSERT_TRUE(m.RunUntil([&] { return m.CountersOf(kGw).undelivered == 0; }, Ms(30'000)));
  EXPECT_LT(m.now() - start, Ms(1000));
  EXPECT_EQ(m.CountSent(kGw, kRelay, FrameKind::kHello, start), 0u)
      << "the receipt came back on the answer to a hello, not pushed";
  ASSERT_TRUE(m.RunUntilQuiet(Ms(60'000)));
  ExpectSinkHoldsExactlyOnce(m, kSink, all);
  EXPECT_EQ(m.bad_receipts, 0u);
}

TEST(EngineMeshPathsTest, OriginReOffersWhatAWipedRelayLost) {
  const Ms resend_after(60'000);
  Mesh m;
  BuildLine(m, [&](EngineOptions& o) { o.resend_after = resend_after; });
  m.link(kRelay, kSink).drop = IsBundle;  // the relay takes custody but cannot pass it on
  auto all = m.AddPunches(kGw, "gw", 0, 300);
  ASSERT_TRUE(m.RunUntil([&] { return m.CountersOf(kGw).queued == 0; }, Ms(30'000)));
  EXPECT_EQ(m.CountersOf(kRelay).queued, all.size());
  EXPECT_TRUE(m.StoredAtSink(kSink).empty());

  const uint64_t old_epoch = m.node(kRelay).store->epoch();
  m.Restart(kRelay, /*wipe=*/true);
  m.link(kRelay, kSink).drop = nullptr;
  EXPECT_NE(m.node(kRelay).store->epoch(), old_epoch);
  EXPECT_EQ(m.CountersOf(kRelay).punches, 0u);

  // The path is up again at once, but nothing is re-offered before resend_after.
  m.RunFor(std::chrono::duration_cast<Ms>(MonoTime(resend_after) - m.now()));
  EXPECT_EQ(m.node(kGw).engine->counters().requeues, 0u);
  EXPECT_EQ(m.CountersOf(kGw).undelivered, all.size());
  ASSERT_TRUE(m.RunUntilQuiet(resend_after));
  EXPECT_GE(m.node(kGw).engine->counters().requeues, 1u);
  EXPECT_EQ(m.node(kGw).punches_requeued, all.size());
  ExpectSinkHoldsExactlyOnce(m, kSink, all);
  EXPECT_EQ(m.CountersOf(kGw).undelivered, 0u);
  EXPECT_EQ(m.CountersOf(kRelay).queued, 0u);
  EXPECT_EQ(m.bad_receipts, 0u);
}

TEST(EngineMeshPathsTest, SinkRecordsTelemetryOfEveryNode) {
  Mesh m;
  BuildLine(m);
  wire::Telemetry last_gw;  // the gateway's last report that reached the sink
  size_t gw_reports = 0;
  m.on_deliver = [&](const SentFrame& f) {
    if (f.to == kSink && f.frame.has_telemetry() && f.frame.telemetry().node() == kGw) {
      last_gw = f.frame.telemetry();
      ++gw_reports;
    }
  };
  m.link(kGw, kRelay).drop = IsBundle;  // punches stay queued at gw, telemetry gets through
  auto all = m.AddPunches(kGw, "gw", 0, 200);
  m.RunFor(Ms(25'000));
  auto t = m.TelemetryAt(kSink);
  ASSERT_TRUE(t.count(kGw));
  EXPECT_EQ(t[kGw].queued(), all.size());
  EXPECT_EQ(t[kGw].undelivered(), all.size());
  EXPECT_GT(t[kGw].bytes(), 0u);
  EXPECT_GT(m.node(kRelay).engine->counters().telemetry_forwarded, 0u);

  m.link(kGw, kRelay).drop = nullptr;
  ASSERT_TRUE(m.RunUntilQuiet(Ms(60'000)));
  m.RunFor(Ms(25'000));  // two more reports
  t = m.TelemetryAt(kSink);
  for (const char* id : {kGw, kRelay, kSink}) EXPECT_TRUE(t.count(id)) << id;
  ASSERT_GT(gw_reports, 2u);
  EXPECT_EQ(t[kGw].queued(), 0u);
  EXPECT_EQ(t[kGw].undelivered(), 0u);
  EXPECT_EQ(t[kGw].SerializeAsString(), last_gw.SerializeAsString());
  EXPECT_EQ(t[kRelay].queued(), 0u);
  // Each report names the node's upstream links: the status board draws the mesh from them.
  ASSERT_EQ(t[kGw].upstreams_size(), 1);
  EXPECT_EQ(t[kGw].upstreams(0).id(), kRelay);
  EXPECT_TRUE(t[kGw].upstreams(0).up());
  EXPECT_TRUE(t[kGw].upstreams(0).active());
  EXPECT_GE(t[kGw].upstreams(0).last_ack_age_s(), 0);
  ASSERT_EQ(t[kRelay].upstreams_size(), 1);
  EXPECT_EQ(t[kRelay].upstreams(0).id(), kSink);
  EXPECT_EQ(t[kSink].upstreams_size(), 0);
  ExpectSinkHoldsExactlyOnce(m, kSink, all);
}

}  // namespace
}  // namespace titip::relay::mesh
