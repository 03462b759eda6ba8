// Model-based randomized test of the custody engine (STYLE 8): random loss, duplication, delay
// (hence reordering), partitions, slow and refused commits, punches arriving mid-run, checked
// against an in-memory model; then, on a clean network, everything must drain exactly once.
// Reproduce one seed with TITIP_SEED=<n>.
#include <stdlib.h>

#include <random>
#include <set>

#include "engine_harness.h"

namespace titip::relay::testing {
namespace {

using storage::PunchState;

// The trivially correct model: the punches the origin took in, by natural key, and the most
// advanced state the origin has reported for each (states only move forward).
struct Model {
  std::map<std::string, wire::Punch> punches;
  std::map<storage::PunchKey, PunchState> origin_state;
};

int Rank(PunchState s) {
  switch (s) {
    case PunchState::kQueued:
      return 1;
    case PunchState::kInCustody:
      return 2;
    case PunchState::kDelivered:
      return 3;
    default:
      return 0;
  }
}

void CheckInvariants(EnginePair& h, Model& m) {
  // The sink holds only punches of the model, each natural key and identity once.
  std::set<std::string> nks;
  std::set<storage::PunchKey> at_sink;
  auto stored = h.SinkPunches();
  for (const auto& p : stored) {
    auto it = m.punches.find(storage::NaturalKey(p));
    ASSERT_NE(it, m.punches.end()) << "the sink stored a punch nobody took in";
    EXPECT_EQ(storage::KeyOf(it->second), storage::KeyOf(p));
    EXPECT_TRUE(nks.insert(it->first).second) << "natural key stored twice";
    EXPECT_TRUE(at_sink.insert(storage::KeyOf(p)).second) << "identity stored twice";
  }
  EXPECT_EQ(h.sink.engine->counters().punches_accepted, stored.size());
  // The ack ladder: what the origin believes is upstream is on the sink's disk, and no punch
  // goes back to an earlier state.
  size_t queued = 0, total = 0;
  for (auto& [p, st] : h.AllPunches(h.origin)) {
    ++total;
    storage::PunchKey k = storage::KeyOf(p);
    queued += st == PunchState::kQueued;
    if (st != PunchState::kQueued) {
      EXPECT_TRUE(at_sink.count(k)) << "origin says " << storage::StateName(st) << " for seq "
                                    << k.seq << " but the sink does not have it";
    }
    PunchState& seen = m.origin_state[k];
    EXPECT_GE(Rank(st), Rank(seen))
        << "seq " << k.seq << " went back to " << storage::StateName(st);
    seen = st;
  }
  EXPECT_EQ(total, m.punches.size());
  EXPECT_EQ(h.CountersOf(h.origin).queued, queued);
  EXPECT_LE(h.max_in_flight, h.options().window);
  EXPECT_LE(h.max_wire_outstanding, h.options().window);
}

struct Chaos {
  double drop, dup, refuse, defer, partition;
  int max_delay_ms;
};

void RunSeed(uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](uint64_t lo, uint64_t hi) { return lo + rng() % (hi - lo + 1); };
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  auto frac = [&](double hi) { return std::uniform_real_distribution<double>(0, hi)(rng); };

  PairOptions o;
  o.bundle_max_punches = pick(1, 25);
  o.window = pick(1, 6);
  o.ack_timeout = Ms(pick(100, 1500));
  o.backoff_max = o.ack_timeout * static_cast<int>(pick(1, 10));
  o.heartbeat = Ms(pick(300, 2000));
  o.dead_after_heartbeats = static_cast<int>(pick(2, 4));
  o.latency = Ms(pick(0, 60));
  const Chaos c{.drop = frac(0.35),  // braced init: evaluated in order, so seeds reproduce
                .dup = frac(0.25),
                .refuse = frac(0.25),
                .defer = frac(0.5),
                .partition = frac(0.01),
                .max_delay_ms = static_cast<int>(pick(0, 2000))};
  SCOPED_TRACE(::testing::Message()
               << "seed=" << seed << " (TITIP_SEED=" << seed << " reproduces) bundle="
               << o.bundle_max_punches << " window=" << o.window << " drop=" << c.drop
               << " dup=" << c.dup << " refuse=" << c.refuse << " defer=" << c.defer
               << " partition=" << c.partition << " max_delay_ms=" << c.max_delay_ms);

  EnginePair h(o);
  h.policy = [&](const WireFrame&) {
    Ms delay(c.max_delay_ms > 0 ? pick(0, static_cast<uint64_t>(c.max_delay_ms)) : 0);
    if (chance(c.drop)) return Verdict{Fate::kDrop};
    return Verdict{chance(c.dup) ? Fate::kDuplicate : Fate::kDeliver, delay};
  };
  h.sink.fault = [&](const WriteRequest& w) -> std::optional<Status> {
    if (w.kind == WriteRequest::Kind::kAcceptBundle && chance(c.refuse)) {
      return Status::StoreFull("test: map cap reached");
    }
    return std::nullopt;
  };
  // Commits complete in order (one writer), some of them late.
  for (Node* n : {&h.origin, &h.sink}) {
    n->defer = [&, n](const WriteRequest&) { return !n->deferred.empty() || chance(c.defer); };
  }

  Model m;
  const size_t target = pick(200, 700);
  size_t appended = 0;
  auto append = [&](size_t k) {
    for (auto& p : h.AddPunches(appended, k)) m.punches.emplace(storage::NaturalKey(p), p);
    appended += k;
  };
  MonoTime partition_end{0};
  for (int step = 0; step < 2500; ++step) {
    if (appended < target && chance(0.1)) append(std::min<size_t>(target - appended, pick(1, 60)));
    if (!h.cut && chance(c.partition)) {
      h.cut = true;
      partition_end = h.now() + Ms(pick(0, 20'000));
    }
    if (h.cut && h.now() >= partition_end) h.cut = false;
    Ms d(pick(1, 400));
    h.Advance(d, d);
    if (chance(0.3)) h.CompleteDeferred(h.sink, pick(1, 3));
    if (chance(0.3)) h.CompleteDeferred(h.origin, pick(1, 3));
    if (step % 100 == 0) {
      CheckInvariants(h, m);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  if (appended < target) append(target - appended);

  // Heal: a clean network and a healthy sink must drain everything.
  h.cut = false;
  h.policy = nullptr;
  h.sink.fault = nullptr;
  h.origin.defer = h.sink.defer = nullptr;
  h.CompleteDeferred(h.origin);
  h.CompleteDeferred(h.sink);
  h.Release([](const WireFrame&) { return true; });
  ASSERT_TRUE(h.RunUntilDrained(Ms(30 * 60'000)))
      << "queued=" << h.CountersOf(h.origin).queued
      << " undelivered=" << h.CountersOf(h.origin).undelivered;
  CheckInvariants(h, m);
  std::vector<wire::Punch> expect;
  for (const auto& [nk, p] : m.punches) expect.push_back(p);
  ExpectSinkHoldsExactly(h, expect);
  EXPECT_EQ(expect.size(), target);
  for (auto& [p, st] : h.AllPunches(h.origin)) EXPECT_EQ(st, PunchState::kDelivered) << p.seq();
  EXPECT_EQ(h.bad_receipts, 0u);
  EXPECT_EQ(h.misrouted, 0u);
}

TEST(EngineModelTest, RandomFaultsThenCleanNetworkDeliverEverythingOnce) {
  std::vector<uint64_t> seeds = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  if (const char* env = getenv("TITIP_SEED"); env != nullptr && *env != '\0') {
    seeds = {std::strtoull(env, nullptr, 10)};
  }
  for (uint64_t seed : seeds) {
    RunSeed(seed);
    if (HasFailure()) {
      ADD_FAILURE() << "reproduce with TITIP_SEED=" << seed;
      return;
    }
  }
}

}  // namespace
}  // namespace titip::relay::testing
