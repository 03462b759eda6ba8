// Harness for the custody-engine tests: an origin and a sink Engine, each over a real LMDB
// Store in its own temp dir, joined by a virtual wire that can drop, duplicate, hold, delay and
// reorder frames. Time is a MonoTime the test advances by hand; nothing sleeps.
#pragma once

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "titip/relay/engine.h"

namespace titip::relay::testing {

using Ms = std::chrono::milliseconds;

inline constexpr int64_t kBaseCivil = 1'767'225'600;  // 2026-01-01 00:00:00, civil seconds
inline constexpr char kOriginId[] = "gw-a";
inline constexpr char kSinkId[] = "agg";
inline constexpr char kPeer[] = "peer-1";  // the sink's routing id for the origin

// A fresh directory under /tmp (mkdtemp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = "/tmp/titip-engine-test-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Punch number i as a terminal adapter hands it to AppendLocal; device_time makes it unique.
inline wire::Punch MakePunch(size_t i) {
  wire::Punch p;
  p.set_terminal("SN" + std::to_string(1 + i % 3));
  p.set_pin(std::to_string(1001 + i % 7));
  p.set_device_time(kBaseCivil + static_cast<int64_t>(i));
  p.set_utc_offset_min(420);
  p.set_verify(1);
  p.set_received_at_ms(1'767'200'000'000 + static_cast<int64_t>(i));
  p.set_clock_synced(true);
  p.set_source(wire::SOURCE_ZK);
  return p;
}

// The store as the engine's PunchSource, as in the daemons.
class StoreSource final : public PunchSource {
 public:
  explicit StoreSource(storage::Store* store) : store_(store) {}
  Result<size_t> FetchQueued(uint64_t after_qseq, size_t max_punches, size_t max_bytes,
                             std::vector<storage::QueuedPunch>* buf) override {
    return store_->FetchQueuedInto(after_qseq, max_punches, max_bytes, buf);
  }

 private:
  storage::Store* store_;
};

enum class FrameKind { kHello, kBundle, kAck, kOther };
inline FrameKind KindOf(const wire::Envelope& e) {
  if (e.has_hello()) return FrameKind::kHello;
  if (e.has_bundle()) return FrameKind::kBundle;
  if (e.has_ack()) return FrameKind::kAck;
  return FrameKind::kOther;
}

struct WireFrame {
  bool up = true;  // origin -> sink
  wire::Envelope frame;
  MonoTime sent_at{}, deliver_at{};
  uint64_t id = 0;  // order handed to the wire; breaks ties between equal deliver_at
};

// What the wire was handed, before any fault (for timing and ordering assertions).
struct SentRecord {
  bool up = true;
  FrameKind kind = FrameKind::kOther;
  MonoTime at{};
  uint64_t session = 0;  // bundle / ack
  uint64_t seq = 0;      // bundle: bundle_seq; ack: first bundle named
};

enum class Fate { kDeliver, kDrop, kDuplicate, kHold };
struct Verdict {
  Fate fate = Fate::kDeliver;
  Ms delay{0};  // on top of PairOptions::latency
};

struct Node {
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<StoreSource> source;
  std::unique_ptr<Engine> engine;
  storage::Role role = storage::Role::kOrigin;
  // True: keep the write pending until CompleteDeferred (an in-progress commit).
  std::function<bool(const WriteRequest&)> defer;
  // A Status to report instead of committing (e.g. StoreFull); nullopt: commit for real.
  std::function<std::optional<Status>(const WriteRequest&)> fault;
  std::deque<WriteRequest> deferred;
  std::vector<storage::PunchKey> marked;  // every key of a committed kMarkCustody
  uint64_t accepts_committed = 0, writes_failed = 0;
};

struct PairOptions {
  size_t bundle_max_punches = 100;
  size_t window = 4;
  Ms ack_timeout{1000}, backoff_max{8000}, heartbeat{2000};
  int dead_after_heartbeats = 3;
  Ms latency{0};  // one way, every frame
};

class EnginePair {
  // First, so that they outlive the stores that use them.
  PairOptions opts_;
  TempDir dir_;
  ManualClock clock_;

 public:
  explicit EnginePair(const PairOptions& o = PairOptions{});

  Node origin, sink;
  std::function<Verdict(const WireFrame&)> policy;  // unset: deliver after latency
  bool cut = false;  // drops every frame, including those already on the wire
  std::vector<WireFrame> held;
  std::vector<SentRecord> sent;
  std::function<void()> after_event;  // after every delivery, routed action and write
  size_t max_in_flight = 0, max_wire_outstanding = 0;
  uint64_t bad_receipts = 0, misrouted = 0, dropped = 0;
  MonoTime last_origin_rx{-1};  // when the origin last got a frame

  MonoTime now() const { return now_; }
  const PairOptions& options() const { return opts_; }

  // AppendLocal of punches [first, first+n) at the origin; returns them with identity.
  std::vector<wire::Punch> AddPunches(size_t first, size_t n);
  // Timers of both engines at now, then everything that follows from them.
  void Tick();
  // Moves time on by d, ticking every `step`.
  void Advance(Ms d, Ms step = Ms(100));
  // The origin's store is empty of work: nothing queued, everything covered by a receipt.
  bool Drained();
  // Ticks every `step` until Drained() or `limit` passed; returns Drained().
  bool RunUntilDrained(Ms limit, Ms step = Ms(100));
  // Puts the held frames that match back on the wire, due now, in held order (or reversed).
  void Release(const std::function<bool(const WireFrame&)>& which, bool reverse = false);
  // Commits up to `max` deferred writes of `n`, oldest first, and reports them.
  void CompleteDeferred(Node& n, size_t max = SIZE_MAX);
  // A frame that did not come through the wire (a stranger, a forgery).
  void InjectToOrigin(const wire::Envelope& e);
  // Routes every pending action and delivers every frame due by now, until all is quiet.
  void Pump();

  size_t CountSent(bool up, FrameKind kind) const;
  storage::Counters CountersOf(Node& n);
  // Every punch with a body and its state, in key order.
  std::vector<std::pair<wire::Punch, storage::PunchState>> AllPunches(Node& n);
  std::vector<wire::Punch> SinkPunches();  // the sink's final copies (kStored)

 private:
  void Init(Node* n, const std::string& id, storage::Role role, const std::string& upstream,
            uint64_t session);
  void Route(Node& n, Action a);
  void Send(bool up, wire::Envelope e);
  void Deliver(const WireFrame& f);
  void Commit(Node& n, WriteRequest w);
  Status Write(Node& n, const WriteRequest& w, storage::IntakeOutcome* out);
  void AfterEvent();

  MonoTime now_{0};
  uint64_t next_id_ = 0;
  std::multimap<std::pair<MonoTime, uint64_t>, WireFrame> queue_;
  std::map<uint64_t, std::set<uint64_t>> outstanding_;  // session -> bundle seqs sent, unacked
};

// The sink holds exactly `expect` (by natural key and by identity), each once.
void ExpectSinkHoldsExactly(EnginePair& h, const std::vector<wire::Punch>& expect);

}  // namespace titip::relay::testing
