// Custody engine under single, scripted faults: lost bundles (backoff), lost, duplicated,
// reordered and stale acks, a silent link, and a sink that refuses to commit. Each test ends
// with the network healed and checks that every punch is stored at the sink exactly once.
#include <set>

#include "engine_harness.h"

namespace titip::relay::testing {
namespace {

using storage::PunchState;

Verdict HoldAcks(const WireFrame& f) {
  return Verdict{f.frame.has_ack() ? Fate::kHold : Fate::kDeliver};
}

void ExpectAllDelivered(EnginePair& h, size_t n) {
  auto all = h.AllPunches(h.origin);
  EXPECT_EQ(all.size(), n);
  for (auto& [p, st] : all) EXPECT_EQ(st, PunchState::kDelivered) << p.seq();
  storage::Counters c = h.CountersOf(h.origin);
  EXPECT_EQ(c.queued, 0u);
  EXPECT_EQ(c.undelivered, 0u);
  EXPECT_EQ(h.bad_receipts, 0u);
}

TEST(EngineFaultsTest, RetransmitBacksOffExponentiallyUpToTheCap) {
  PairOptions o;
  o.ack_timeout = Ms(1000);
  o.backoff_max = Ms(8000);
  EnginePair h(o);
  auto punches = h.AddPunches(0, 50);  // one bundle
  h.policy = [](const WireFrame& f) {
    return Verdict{f.frame.has_bundle() ? Fate::kDrop : Fate::kDeliver};
  };
  h.Tick();
  h.Advance(Ms(60'000));
  std::vector<MonoTime> sends;  // every send of the one bundle_seq
  std::optional<uint64_t> seq;
  for (const auto& r : h.sent) {
    if (r.kind != FrameKind::kBundle) continue;
    if (!seq) seq = r.seq;
    EXPECT_EQ(r.seq, *seq) << "a retransmit keeps its bundle_seq";
    sends.push_back(r.at);
  }
  std::vector<Ms> gaps, want;
  for (size_t i = 1; i < sends.size(); ++i) {
    gaps.push_back(std::chrono::duration_cast<Ms>(sends[i] - sends[i - 1]));
  }
  for (Ms g = o.ack_timeout; want.size() < gaps.size(); g *= 2) {
    want.push_back(std::min(g, o.backoff_max));
  }
  ASSERT_GE(gaps.size(), 6u);  // 1, 2, 4, 8, 8, 8 ... seconds
  EXPECT_EQ(gaps, want);
  EXPECT_EQ(h.origin.engine->counters().bundles_retried, gaps.size());
  EXPECT_EQ(h.origin.engine->upstream_status().state, LinkState::kUp) << "hellos still answered";
  EXPECT_EQ(h.sink.engine->counters().bundles_received, 0u);

  h.policy = nullptr;
  ASSERT_TRUE(h.RunUntilDrained(o.backoff_max * 2));
  ExpectSinkHoldsExactly(h, punches);
  ExpectAllDelivered(h, punches.size());
}

TEST(EngineFaultsTest, LostAckMeansRetransmitAndTheSinkDedupes) {
  EnginePair h;
  auto punches = h.AddPunches(0, 250);  // bundles of 100, 100, 50
  bool dropped_one = false;
  h.policy = [&](const WireFrame& f) {
    if (!f.frame.has_ack() || dropped_one) return Verdict{};
    dropped_one = true;
    return Verdict{Fate::kDrop};
  };
  h.Tick();
  EXPECT_EQ(h.SinkPunches().size(), 250u);
  EXPECT_EQ(h.origin.engine->upstream_status().in_flight, 1u) << "the bundle whose ack was lost";
  EXPECT_EQ(h.origin.engine->counters().bundles_retried, 0u);
  h.Advance(h.options().ack_timeout * 2);
  EXPECT_EQ(h.origin.engine->upstream_status().in_flight, 0u);
  EXPECT_EQ(h.origin.engine->counters().bundles_retried, 1u);
  const EngineCounters& rc = h.sink.engine->counters();
  EXPECT_EQ(rc.bundles_received, 4u);
  EXPECT_EQ(rc.punches_accepted, 250u);
  EXPECT_EQ(rc.punches_duplicate, 100u) << "the retransmit is recognised, not stored again";
  ExpectSinkHoldsExactly(h, punches);
  EXPECT_EQ(h.origin.engine->counters().punches_acked, 250u);
  EXPECT_EQ(h.origin.engine->counters().bundles_acked, 3u);
  EXPECT_EQ(std::set<storage::PunchKey>(h.origin.marked.begin(), h.origin.marked.end()).size(),
            h.origin.marked.size());
  ExpectAllDelivered(h, punches.size());
}

TEST(EngineFaultsTest, DuplicateAckMarksNothingTwice) {
  EnginePair h;
  auto punches = h.AddPunches(0, 250);
  h.policy = [](const WireFrame& f) {
    return Verdict{f.frame.has_ack() ? Fate::kDuplicate : Fate::kDeliver};
  };
  h.Tick();
  h.Advance(Ms(10'000));
  const EngineCounters& c = h.origin.engine->counters();
  EXPECT_EQ(c.punches_acked, 250u);
  EXPECT_EQ(c.bundles_acked, 3u);
  EXPECT_EQ(c.bundles_retried, 0u);
  EXPECT_EQ(c.receipts_received, 6u) << "each copy's receipt is applied (idempotent)";
  EXPECT_EQ(h.origin.marked.size(), 250u) << "the second copy names no bundle in flight";
  EXPECT_EQ(std::set<storage::PunchKey>(h.origin.marked.begin(), h.origin.marked.end()).size(),
            250u);
  EXPECT_EQ(h.origin.engine->upstream_status().in_flight, 0u);
  ExpectSinkHoldsExactly(h, punches);
  ExpectAllDelivered(h, punches.size());
}

TEST(EngineFaultsTest, AcksDeliveredInReverseOrderAckEverything) {
  EnginePair h;  // window 4, bundles of 100
  auto punches = h.AddPunches(0, 600);
  h.policy = HoldAcks;
  h.Tick();
  ASSERT_EQ(h.held.size(), 4u);
  for (size_t i = 1; i < h.held.size(); ++i) {
    EXPECT_LT(h.held[i - 1].frame.ack().bundles(0).first(),
              h.held[i].frame.ack().bundles(0).first());
  }
  EXPECT_EQ(h.origin.engine->upstream_status().in_flight, 4u);
  h.Release([](const WireFrame&) { return true; }, /*reverse=*/true);
  EXPECT_EQ(h.origin.engine->counters().bundles_acked, 4u);
  EXPECT_EQ(h.CountersOf(h.origin).queued, 200u);
  ASSERT_EQ(h.held.size(), 2u) << "the window refilled with the last two bundles";
  h.policy = nullptr;
  h.Release([](const WireFrame&) { return true; }, /*reverse=*/true);
  EXPECT_EQ(h.origin.engine->counters().bundles_acked, 6u);
  EXPECT_EQ(h.origin.engine->upstream_status().in_flight, 0u);
  EXPECT_EQ(h.origin.engine->counters().bundles_retried, 0u);
  ExpectSinkHoldsExactly(h, punches);
  ExpectAllDelivered(h, punches.size());
}

TEST(EngineFaultsTest, AckForAnOldSessionIsIgnoredAndItsPunchesResent) {
  EnginePair h;  // heartbeat 2 s, dead after 3 silent heartbeats
  auto punches = h.AddPunches(0, 200);
  h.policy = HoldAcks;
  h.Tick();
  ASSERT_EQ(h.held.size(), 2u);
  const uint64_t old_session = h.held[0].frame.ack().link_session();
  EXPECT_EQ(h.SinkPunches().size(), 200u);
  h.cut = true;
  h.Advance(Ms(7000));
  ASSERT_EQ(h.origin.engine->upstream_status().state, LinkState::kDown);
  h.cut = false;
  for (int i = 0; i < 100 && h.origin.engine->upstream_status().state != LinkState::kUp; ++i) {
    h.Advance(Ms(100));
  }
  ASSERT_EQ(h.origin.engine->upstream_status().state, LinkState::kUp);
  ASSERT_EQ(h.held.size(), 4u) << "two old acks, two for the re-sent bundles";

  const uint64_t ignored = h.origin.engine->counters().frames_ignored;
  h.Release([&](const WireFrame& f) { return f.frame.ack().link_session() == old_session; });
  EXPECT_EQ(h.origin.engine->counters().frames_ignored, ignored + 2);
  EXPECT_EQ(h.origin.engine->counters().bundles_acked, 0u);
  EXPECT_TRUE(h.origin.marked.empty()) << "a stale ack marks nothing";
  // The sink's hello reply carried its receipt: the origin knows all 200 are stored.
  EXPECT_EQ(h.CountersOf(h.origin).undelivered, 0u);
  EXPECT_EQ(h.origin.engine->upstream_status().in_flight, 2u);

  h.policy = nullptr;
  h.Release([](const WireFrame&) { return true; });
  ASSERT_TRUE(h.RunUntilDrained(Ms(10'000)));
  size_t resent = 0;
  for (const auto& r : h.sent) resent += r.kind == FrameKind::kBundle && r.session != old_session;
  EXPECT_EQ(resent, 2u);
  EXPECT_EQ(h.sink.engine->counters().punches_accepted, 200u);
  EXPECT_EQ(h.sink.engine->counters().punches_duplicate, 200u);
  EXPECT_EQ(h.origin.engine->counters().punches_acked, 200u);
  ExpectSinkHoldsExactly(h, punches);
  ExpectAllDelivered(h, punches.size());
}

TEST(EngineFaultsTest, SilentLinkGoesDownClearsInFlightAndRecovers) {
  PairOptions o;
  o.latency = Ms(50);
  EnginePair h(o);
  auto punches = h.AddPunches(0, 1000);
  h.Tick();
  h.Advance(Ms(120), Ms(10));
  ASSERT_EQ(h.origin.engine->upstream_status().state, LinkState::kUp);
  ASSERT_EQ(h.origin.engine->upstream_status().in_flight, 4u);
  h.cut = true;  // everything on the wire is lost from here on
  const MonoTime last = h.last_origin_rx;
  const MonoTime dead_after = o.heartbeat * o.dead_after_heartbeats;
  std::optional<MonoTime> went_down;
  while (!went_down && h.now() < last + dead_after + Ms(1000)) {
    h.Advance(Ms(10), Ms(10));
    LinkStatus st = h.origin.engine->upstream_status();
    if (st.state == LinkState::kDown) {
      went_down = h.now();
      EXPECT_EQ(st.in_flight, 0u) << "in-flight bundles are forgotten, not lost";
    } else {
      EXPECT_EQ(st.state, LinkState::kUp);
    }
  }
  ASSERT_TRUE(went_down.has_value());
  EXPECT_GT(*went_down - last, dead_after);
  EXPECT_LE(*went_down - last, dead_after + Ms(10));
  EXPECT_EQ(h.CountersOf(h.origin).queued, 1000u);

  h.Advance(Ms(5000), Ms(10));  // still silent: stays down, sends no bundle
  EXPECT_EQ(h.origin.engine->upstream_status().state, LinkState::kDown);
  h.cut = false;
  ASSERT_TRUE(h.RunUntilDrained(Ms(30'000), Ms(10)));
  EXPECT_EQ(h.origin.engine->upstream_status().state, LinkState::kUp);
  ExpectSinkHoldsExactly(h, punches);
  ExpectAllDelivered(h, punches.size());
}

TEST(EngineFaultsTest, RefusedBundlesAreNotAckedAndArriveOnceLater) {
  EnginePair h;  // ack_timeout 1 s, backoff_max 8 s
  auto punches = h.AddPunches(0, 300);
  bool refusing = true;
  h.sink.fault = [&](const WriteRequest& w) -> std::optional<Status> {
    if (refusing && w.kind == WriteRequest::Kind::kAcceptBundle) {
      return Status::StoreFull("test: map cap reached");
    }
    return std::nullopt;
  };
  h.Tick();
  h.Advance(Ms(20'000));
  EXPECT_EQ(h.CountSent(false, FrameKind::kAck), 0u) << "a refused bundle is never acked";
  EXPECT_GE(h.sink.engine->counters().bundles_refused, 3u);
  EXPECT_EQ(h.sink.engine->counters().bundles_refused, h.sink.writes_failed);
  EXPECT_GT(h.origin.engine->counters().bundles_retried, 0u);
  EXPECT_TRUE(h.AllPunches(h.sink).empty());
  EXPECT_TRUE(h.origin.marked.empty());
  EXPECT_EQ(h.CountersOf(h.origin).queued, 300u);
  EXPECT_EQ(h.CountersOf(h.origin).undelivered, 300u);
  EXPECT_EQ(h.origin.engine->upstream_status().in_flight, 3u);

  refusing = false;
  ASSERT_TRUE(h.RunUntilDrained(h.options().backoff_max * 2));
  ExpectSinkHoldsExactly(h, punches);
  EXPECT_EQ(h.sink.engine->counters().punches_accepted, 300u);
  EXPECT_EQ(h.sink.engine->counters().punches_duplicate, 0u);
  ExpectAllDelivered(h, punches.size());
}

}  // namespace
}  // namespace titip::relay::testing
