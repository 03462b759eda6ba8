// The custody engine, sans-IO (SPEC §6). It consumes events — a frame arrived, a write
// committed, time passed — each with an explicit `now`, and emits actions: frames to send and
// store writes to commit. ZeroMQ drives it in the daemons (node_loop.h); a simulator can drive
// many of them with virtual time. It never reads a clock, a socket or a file.
//
// Sender side (one upstream link): bundles queued punches, keeps a window of bundles in
// flight, retransmits on timeout with exponential backoff, and marks punches in custody only
// after the upstream's ack. Receiver side: asks for each bundle to be committed and acks it
// only after the commit returned Ok. Not thread-safe: one thread owns an Engine.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "titip.pb.h"
#include "titip/common/clock.h"
#include "titip/storage/store.h"

namespace titip::relay {

inline constexpr uint32_t kWireVersion = 1;
inline constexpr uint32_t kDefaultHopLimit = 8;
inline constexpr int kMaxBundlePunches = 10000;     // protocol bound on one bundle
inline constexpr size_t kMaxPendingAccepts = 256;   // bundles waiting for the receiver's disk

struct EngineOptions {
  std::string node_id;
  uint64_t epoch = 0;                    // our store's epoch (announced in hellos)
  storage::Role role = storage::Role::kOrigin;
  std::string upstream_id;               // empty: no upstream (the sink)
  uint64_t link_session = 1;             // random per engine incarnation (caller picks)
  size_t bundle_max_punches = 1000;
  size_t bundle_max_bytes = 256 * 1024;
  size_t window = 4;                     // bundles in flight
  std::chrono::milliseconds ack_timeout{5000};
  std::chrono::milliseconds backoff_max{60000};
  std::chrono::milliseconds heartbeat{2000};
  int dead_after_heartbeats = 3;         // link down after this many silent periods
};

// Where the sender finds queued punches (the store, in production and simulation).
class PunchSource {
 public:
  virtual ~PunchSource() = default;
  virtual Result<std::vector<storage::QueuedPunch>> FetchQueued(uint64_t after_qseq,
                                                                size_t max_punches,
                                                                size_t max_bytes) = 0;
};

// A store write the engine needs before it may go on. The driver commits it and reports back
// with Engine::OnWriteDone(token, ...).
struct WriteRequest {
  enum class Kind { kAcceptBundle, kMarkCustody };
  Kind kind = Kind::kAcceptBundle;
  uint64_t token = 0;
  std::vector<wire::Punch> punches;     // kAcceptBundle
  std::vector<storage::PunchKey> keys;  // kMarkCustody
  std::vector<wire::Receipt> receipts;  // kMarkCustody: receipts to apply in the same commit
};

struct Action {
  enum class Kind { kSendUp, kSendDown, kWrite };
  Kind kind = Kind::kSendUp;
  std::string peer;       // kSendDown: the transport's routing id of the downstream peer
  wire::Envelope frame;   // kSendUp / kSendDown
  WriteRequest write;     // kWrite
};

enum class LinkState { kConnecting, kUp, kDown };
const char* LinkStateName(LinkState s);

struct LinkStatus {
  std::string id;
  LinkState state = LinkState::kConnecting;
  size_t in_flight = 0;
  std::optional<MonoTime> last_ack;
};

struct EngineCounters {
  uint64_t bundles_sent = 0, bundles_retried = 0, bundles_acked = 0, punches_acked = 0;
  uint64_t bundles_received = 0, punches_accepted = 0, punches_duplicate = 0;
  uint64_t punches_rejected = 0, bundles_refused = 0, frames_ignored = 0;
  uint64_t receipts_received = 0;
};

class Engine {
 public:
  Engine(EngineOptions options, PunchSource* source);

  // Transport events.
  void OnUpstreamFrame(MonoTime now, const wire::Envelope& frame);
  void OnDownstreamFrame(MonoTime now, const std::string& peer, const wire::Envelope& frame);
  void OnWriteDone(MonoTime now, uint64_t token, const Status& status,
                   const storage::IntakeOutcome& outcome);
  // Timers: retransmits, heartbeats, link liveness, filling the window. Call often (≤ 100 ms
  // apart in daemons); cheap when nothing is due.
  void OnTick(MonoTime now);

  // Actions emitted since the last call, in order.
  std::vector<Action> TakeActions();

  LinkStatus upstream_status() const;
  const EngineCounters& counters() const { return counters_; }
  const EngineOptions& options() const { return options_; }

 private:
  struct InFlight {
    wire::Envelope frame;
    std::vector<storage::PunchKey> keys;
    MonoTime next_retry{};
    std::chrono::milliseconds backoff{};
  };
  struct PendingAccept {
    std::string peer;
    uint64_t session = 0;
    uint64_t bundle_seq = 0;
  };

  wire::Envelope NewEnvelope() const;
  wire::Envelope HelloFrame() const;
  void SendUp(wire::Envelope frame);
  void FillWindow(MonoTime now);
  void Retransmit(MonoTime now);
  void Heartbeat(MonoTime now);
  void ResetLink(MonoTime now, LinkState to);
  void HandleAck(MonoTime now, const wire::CustodyAck& ack);
  void HandleBundle(const std::string& peer, const wire::Envelope& frame);
  uint64_t NextToken() { return ++last_token_; }

  EngineOptions options_;
  PunchSource* source_;
  std::vector<Action> actions_;
  EngineCounters counters_;
  uint64_t last_token_ = 0;

  // Sender side.
  LinkState link_ = LinkState::kConnecting;
  MonoTime last_upstream_frame_{};
  MonoTime next_hello_{};
  std::optional<MonoTime> last_ack_;
  uint64_t session_ = 0;
  uint64_t next_bundle_seq_ = 1;
  uint64_t cursor_ = 0;  // last qseq put into a bundle in this session
  std::map<uint64_t, InFlight> in_flight_;
  bool source_failed_ = false;

  // Receiver side.
  std::map<uint64_t, PendingAccept> pending_accepts_;
};

}  // namespace titip::relay
