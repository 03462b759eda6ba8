// N-node harness for the custody mesh: named Engines, each over a real LMDB Store in a temp dir,
// joined by directed links (the downstream dials the upstream) with latency, an up/down switch
// and drop hooks. One deterministic event queue ordered by (virtual time, seq); nothing sleeps.
#pragma once

#include <stdlib.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "titip/relay/engine.h"
#include "titip/relay/punch_codec.h"

namespace titip::relay::mesh {

using Ms = std::chrono::milliseconds;
using storage::PunchKey;
using storage::PunchState;

// A directory under /tmp (mkdtemp), removed with its contents on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = "/tmp/titip-mesh-test-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Punch i of terminal family `tag`, as an adapter hands it to AppendLocal (unique per tag, i).
inline wire::Punch MakePunch(const std::string& tag, size_t i) {
  constexpr int64_t kBaseCivil = 1'767'225'600;  // 2026-01-01 00:00:00
  wire::Punch p;
  p.set_terminal(tag + "-SN" + std::to_string(1 + i % 3));
  p.set_pin(std::to_string(1001 + i % 7));
  p.set_device_time(kBaseCivil + static_cast<int64_t>(i));
  p.set_utc_offset_min(420);
  p.set_verify(1);
  p.set_received_at_ms(1'767'200'000'000 + static_cast<int64_t>(i));
  p.set_clock_synced(true);
  p.set_source(wire::SOURCE_ZK);
  return p;
}

// The punches a bundle carries, packed (punch_codec.h) or plain; a bad batch fails the test.
inline std::vector<wire::Punch> PunchesOf(const wire::Bundle& b) {
  std::vector<wire::Punch> out;
  if (b.packed().empty()) return {b.punches().begin(), b.punches().end()};
  Status s = UnpackPunches(b.packed(), &out, kMaxBundlePunches);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

enum class FrameKind { kHello, kBundle, kAck, kTelemetry, kOther };
inline FrameKind KindOf(const wire::Envelope& e) {
  if (e.has_hello()) return FrameKind::kHello;
  if (e.has_bundle()) return FrameKind::kBundle;
  if (e.has_ack()) return FrameKind::kAck;
  if (e.has_telemetry()) return FrameKind::kTelemetry;
  return FrameKind::kOther;
}

// A frame as a node handed it to the transport (before any drop), by node ids.
struct SentFrame {
  MonoTime at{};
  std::string from, to;
  bool up = true;  // from the dialling side to the listening side
  wire::Envelope frame;
};

struct MeshNode;

// Store-backed PunchSource; Snapshot() reports the store's counters as telemetry.
class MeshSource final : public PunchSource {
 public:
  explicit MeshSource(MeshNode* node) : node_(node) {}
  inline Result<size_t> FetchQueued(uint64_t after_qseq, size_t max_punches, size_t max_bytes,
                                    std::vector<storage::QueuedPunch>* buf) override;
  inline wire::Telemetry Snapshot() override;

 private:
  MeshNode* node_;
};

struct MeshNode {
  std::string id;
  EngineOptions options;  // as configured; epoch and link_session are set at each start
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<MeshSource> source;
  std::unique_ptr<Engine> engine;
  uint64_t generation = 0;  // bumped by Restart: writes of the old process never commit
  int stores_made = 0;      // a wipe opens a fresh store in a new subdirectory
  uint64_t writes_ok = 0, writes_failed = 0, punches_requeued = 0;
  uint64_t store_reads = 0;  // FetchQueued calls that found punches
};

Result<size_t> MeshSource::FetchQueued(uint64_t after_qseq, size_t max_punches, size_t max_bytes,
                                       std::vector<storage::QueuedPunch>* buf) {
  auto n = node_->store->FetchQueuedInto(after_qseq, max_punches, max_bytes, buf);
  if (n.ok() && *n > 0) ++node_->store_reads;
  return n;
}

wire::Telemetry MeshSource::Snapshot() {
  wire::Telemetry t;
  auto c = node_->store->GetCounters();
  if (!c.ok()) return t;
  t.set_queued(c->queued);
  t.set_undelivered(c->undelivered);
  t.set_bytes(c->queued_bytes);
  return t;
}

// `down` dials `up`: bundles, hellos and telemetry flow up, acks and hello replies flow down.
struct MeshLink {
  std::string down, up;
  Ms latency{10};
  bool connected = true;
  uint64_t incarnation = 1;  // bumped on reconnect: a new routing id at the upstream's ROUTER
  // True drops the frame at send time (up: towards `up`).
  std::function<bool(bool up, const wire::Envelope&)> drop;
  uint64_t dropped = 0;
};

struct MeshOptions {
  Ms tick{100};        // every node's OnTick period
  Ms disk_delay{2};    // a write commits this long after the engine asked for it
  EngineOptions base;  // timings and sizes copied into every node
  // As NodeLoop: a committed bundle's punches go to Engine::TakeCommitted (forwarded from
  // memory when next in the queue). False: every forward reads the store.
  bool forward_committed = true;
  MeshOptions() {
    base.bundle_max_punches = 50;
    base.window = 4;
    base.ack_timeout = Ms(1000);
    base.backoff_max = Ms(8000);
    base.heartbeat = Ms(2000);
    base.dead_after_heartbeats = 3;
    base.switch_after = Ms(10'000);
    base.telemetry_every = Ms(10'000);
  }
};

class Mesh {
  MeshOptions opts_;
  ScratchDir dir_;
  ManualClock clock_;  // wall time for stores (telemetry stamps), moved with virtual time

 public:
  explicit Mesh(const MeshOptions& o = MeshOptions{});
  ~Mesh();

  // Adds and starts a node. `upstreams`: (id, priority) in config order; empty for the sink.
  MeshNode& AddNode(const std::string& id, storage::Role role,
                    const std::vector<std::pair<std::string, int>>& upstreams = {},
                    const std::function<void(EngineOptions&)>& tweak = nullptr);
  MeshLink& Connect(const std::string& down, const std::string& up, Ms latency = Ms(10));
  MeshNode& node(const std::string& id);
  MeshLink& link(const std::string& down, const std::string& up);
  // Connects or disconnects one link; frames already on it are lost when it goes down.
  void SetLink(const std::string& down, const std::string& up, bool connected);
  // Every link that touches `id`.
  void SetNodeLinks(const std::string& id, bool connected);
  // The node's process restarts (new engine, new session, connections reset). With `wipe`
  // its store is replaced by an empty one: a new epoch, everything it held is gone.
  void Restart(const std::string& id, bool wipe);

  // AppendLocal of punches [first, first+n) of `tag` at `origin`; returns them with identity.
  std::vector<wire::Punch> AddPunches(const std::string& origin, const std::string& tag,
                                      size_t first, size_t n);
  // A frame straight into `to`'s downstream socket from routing id `route`.
  void InjectDown(const std::string& to, const std::string& route, const wire::Envelope& e);

  MonoTime now() const { return now_; }
  // Processes every event and tick up to now + d.
  void RunFor(Ms d);
  // Runs until `done` holds (checked after every tick) or `limit` passed; returns done().
  bool RunUntil(const std::function<bool()>& done, Ms limit);
  // Every origin has nothing queued or undelivered, no relay has anything queued, no write
  // is pending.
  bool Quiet();
  bool RunUntilQuiet(Ms limit) {
    return RunUntil([this] { return Quiet(); }, limit);
  }

  // ---- observations ----
  std::vector<SentFrame> sent;                       // every frame handed to a link
  std::function<void(const SentFrame&)> on_deliver;  // after each delivered frame
  std::function<void()> after_tick;                  // after each round of ticks
  uint64_t misrouted = 0, bad_receipts = 0, frames_lost = 0;

  size_t CountSent(const std::string& from, const std::string& to, FrameKind kind,
                   MonoTime since = MonoTime::min()) const;
  std::string ActiveUpstream(const std::string& id);  // "" when none
  storage::Counters CountersOf(const std::string& id);
  std::optional<PunchState> StateOf(const std::string& id, const PunchKey& key);
  std::vector<PunchKey> QueuedKeys(const std::string& id);
  std::vector<wire::Punch> StoredAtSink(const std::string& sink);
  std::map<std::string, wire::Telemetry> TelemetryAt(const std::string& sink);

 private:
  struct Event {
    enum class Kind { kFrame, kWrite } kind = Kind::kFrame;
    std::string down, up;  // kFrame: the link
    bool towards_up = true;
    uint64_t incarnation = 0;
    wire::Envelope frame;
    std::string node;  // kWrite
    uint64_t generation = 0;
    WriteRequest write;
  };
  struct Route {
    std::string node;
    uint64_t incarnation = 0;
  };

  void Start(MeshNode& n);
  void OpenStore(MeshNode& n);
  void Drain(MeshNode& n);  // routes every action the engine emitted
  void Send(MeshNode& from, const Action& a);
  void Schedule(MonoTime at, Event e);
  void Process(Event& e);
  void DeliverFrame(const Event& e);
  void Commit(MeshNode& n, const WriteRequest& w);
  Status Write(MeshNode& n, const WriteRequest& w, storage::IntakeOutcome* out);
  void TickAll();
  void MoveTo(MonoTime t);
  static std::string RouteId(const std::string& down, uint64_t incarnation);

  MonoTime now_{0};
  MonoTime next_tick_{0};
  uint64_t next_seq_ = 0, next_session_ = 1000;
  std::vector<std::unique_ptr<MeshNode>> nodes_;  // in AddNode order: tick order
  std::map<std::pair<std::string, std::string>, MeshLink> links_;
  std::map<std::pair<std::string, std::string>, Route> routes_;  // (upstream, route id)
  std::map<std::pair<MonoTime, uint64_t>, Event> queue_;
};

// The line "gw" -> "relay" -> "sink" (the sink never talks to gw); `uplink` is the latency of
// relay -> sink.
void BuildLine(Mesh& m, const std::function<void(EngineOptions&)>& gw_tweak = nullptr,
               Ms uplink = Ms(10));

// `sink` stores every punch of `expect` exactly once (by natural key and identity), no more.
void ExpectSinkHoldsExactlyOnce(Mesh& m, const std::string& sink,
                                const std::vector<wire::Punch>& expect);

}  // namespace titip::relay::mesh
