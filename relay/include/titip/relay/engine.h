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
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "titip.pb.h"
#include "titip/common/clock.h"
#include "titip/relay/origin_seal.h"
#include "titip/storage/store.h"

namespace titip::relay {

inline constexpr uint32_t kWireVersion = 1;
// Links a punch may cross from its origin to the sink. Counted per punch (Punch.hops), not
// from the trace: a relay's bundle names every gateway whose punches it carries.
inline constexpr uint32_t kDefaultHopLimit = 8;
inline constexpr int kMaxTrace = 1024;  // node ids in one bundle's trace: far above any mesh
inline constexpr int kMaxBundlePunches = 10000;       // protocol bound on one bundle
inline constexpr size_t kMaxPendingAccepts = 256;     // bundles waiting for the receiver's disk
inline constexpr size_t kMaxPendingPunches = 100000;  // and the punches in them (~40 MB)

struct EngineOptions {
  std::string node_id;
  uint64_t epoch = 0;  // our store's epoch (announced in hellos)
  storage::Role role = storage::Role::kOrigin;
  // Candidate upstreams, in config order. Empty: this node is the sink.
  struct Upstream {
    std::string id;
    int priority = 1;  // lower = preferred among equal cost
  };
  std::vector<Upstream> upstreams;
  uint64_t link_session = 1;  // random per engine incarnation (caller picks)
  size_t bundle_max_punches = 1000;
  size_t bundle_max_bytes = 256 * 1024;
  size_t window = 4;  // bundles in flight
  std::chrono::milliseconds ack_timeout{5000};
  std::chrono::milliseconds backoff_max{60000};
  std::chrono::milliseconds heartbeat{2000};
  int dead_after_heartbeats = 3;  // link down after this many silent periods
  // A better upstream must have been up this long before traffic moves to it (hysteresis:
  // a flapping modem must not drag the window back and forth).
  std::chrono::milliseconds switch_after{10000};
  // Origin: re-offer punches in custody whose receipt has not come for this long while a
  // path is up (SPEC §3); the sink's dedupe makes that harmless.
  std::chrono::milliseconds resend_after{6 * 3600 * 1000};
  std::chrono::milliseconds telemetry_every{10000};
  // Origin signatures (origin_seal.h). signing_key set: this node seals its own punches in
  // every bundle it sends. origin_keys set (sink only): every received punch is checked
  // against its origin's registered key; failures go to quarantine instead of the store. The
  // driver may replace *origin_keys between events (SIGHUP), on the engine's thread.
  std::shared_ptr<const SigningKey> signing_key;
  std::shared_ptr<OriginKeys> origin_keys;
};

inline constexpr uint32_t kNoRoute = 0xffffffff;  // cost when the sink is unreachable

// Where the sender finds queued punches (the store, in production and simulation).
// Also where the engine reads this node's own state for telemetry and resend decisions.
class PunchSource {
 public:
  virtual ~PunchSource() = default;
  // The next queued punches after after_qseq, parsed into (*buf)[0, n); returns n. As
  // Store::FetchQueuedInto: *buf never shrinks, its elements past n are spares. The sender
  // passes the same vector for every bundle, so it reuses the punches' buffers.
  virtual Result<size_t> FetchQueued(uint64_t after_qseq, size_t max_punches, size_t max_bytes,
                                     std::vector<storage::QueuedPunch>* buf) = 0;
  // This node's own telemetry (queue counters, terminals); `node` is filled in by the engine.
  virtual wire::Telemetry Snapshot() { return {}; }
  // Relay: the stored origin seals covering these punches, to travel on with them.
  virtual Result<std::vector<wire::Seal>> SealsFor(const std::vector<wire::Punch>& punches) {
    (void)punches;
    return std::vector<wire::Seal>{};
  }
};

// A store write the engine needs before it may go on. The driver commits it and reports back
// with Engine::OnWriteDone(token, ...).
struct WriteRequest {
  // kAcceptBundle: store the punches of a received bundle (then ack it).
  // kMarkCustody: custody marks and receipts from upstream.
  // kRequeue: origin re-offers own punches whose receipt is overdue.
  // kTelemetry: the sink records a node's latest telemetry.
  enum class Kind { kAcceptBundle, kMarkCustody, kRequeue, kTelemetry };
  Kind kind = Kind::kAcceptBundle;
  uint64_t token = 0;
  std::vector<wire::Punch> punches;  // kAcceptBundle: the genuine (or unchecked) ones
  std::vector<wire::Seal> seals;     // kAcceptBundle at a relay: keep, to pass on
  std::vector<storage::QuarantineEntry> quarantined;  // kAcceptBundle at the sink
  std::vector<storage::PunchKey> keys;                // kMarkCustody
  std::vector<wire::Receipt> receipts;  // kMarkCustody: receipts to apply in the same commit
  wire::Telemetry telemetry;            // kTelemetry
};

struct Action {
  enum class Kind { kSendUp, kSendDown, kWrite };
  Kind kind = Kind::kSendUp;
  std::string peer;      // kSendUp: upstream id; kSendDown: transport routing id of the peer
  wire::Envelope frame;  // kSendUp / kSendDown
  WriteRequest write;    // kWrite
};

enum class LinkState { kConnecting, kUp, kDown };
const char* LinkStateName(LinkState s);

struct LinkStatus {
  std::string id;
  LinkState state = LinkState::kConnecting;
  size_t in_flight = 0;
  std::optional<MonoTime> last_ack;
  uint32_t cost = kNoRoute;  // the upstream's advertised cost to the sink
  bool active = false;       // the one bundles go to now
};

struct EngineCounters {
  uint64_t bundles_sent = 0, bundles_retried = 0, bundles_acked = 0, punches_acked = 0;
  uint64_t bundles_received = 0, punches_accepted = 0, punches_duplicate = 0;
  uint64_t punches_rejected = 0, bundles_refused = 0, bundles_malformed = 0, frames_ignored = 0;
  uint64_t receipts_received = 0, failovers = 0, requeues = 0, telemetry_forwarded = 0;
  // Origin signatures: punches that failed verification at the sink (each arrival counts),
  // seals attached to bundles sent, seals dropped at a relay because they were malformed.
  uint64_t punches_quarantined = 0, seals_sent = 0, seals_malformed = 0;
};

class Engine {
 public:
  Engine(EngineOptions options, PunchSource* source);

  // Transport events. `upstream` is the id of the upstream whose socket delivered the frame.
  void OnUpstreamFrame(MonoTime now, const std::string& upstream, const wire::Envelope& frame);
  void OnDownstreamFrame(MonoTime now, const std::string& peer, const wire::Envelope& frame);
  void OnWriteDone(MonoTime now, uint64_t token, const Status& status,
                   const storage::IntakeOutcome& outcome);
  // Optional: a driver hands back the punches of a kAcceptBundle write once the store is done
  // with them, and the next received bundle is unpacked into them, reusing their strings'
  // buffers instead of allocating ~5 a punch. At most kMaxSpares are kept.
  void GiveSpare(std::vector<wire::Punch> punches);
  // Optional, instead of GiveSpare once such a write committed: the punches with the queue
  // seqs their commit gave them (IntakeOutcome::qseqs). When they are next in the queue, the
  // sender forwards them from memory instead of reading them back from the store; after a
  // gap (another writer queued punches in between, a new session) it reads the store as
  // before. Spent vectors become spares.
  void TakeCommitted(std::vector<wire::Punch> punches, std::vector<uint64_t> qseqs);
  size_t committed_held() const { return committed_punches_; }  // kept for forwarding now
  // Timers: retransmits, heartbeats, link liveness, filling the window. Call often (≤ 100 ms
  // apart in daemons); cheap when nothing is due.
  void OnTick(MonoTime now);

  // Actions emitted since the last call, in order.
  std::vector<Action> TakeActions();

  // The active upstream's status (or the first candidate's when none is active).
  LinkStatus upstream_status() const;
  std::vector<LinkStatus> upstreams_status() const;
  // Our cost to the sink: 0 at the sink, active upstream's cost + 1, kNoRoute without one.
  uint32_t cost() const;
  const EngineCounters& counters() const { return counters_; }
  const EngineOptions& options() const { return options_; }

 private:
  struct InFlight {
    wire::Envelope frame;
    std::vector<storage::PunchKey> keys;
    MonoTime next_retry{};
    std::chrono::milliseconds backoff{};
  };
  // One candidate upstream and the session we run with it.
  struct Link {
    EngineOptions::Upstream spec;
    LinkState state = LinkState::kConnecting;
    MonoTime last_frame{};
    MonoTime up_since{};
    uint32_t cost = kNoRoute;
    bool sink_reachable = false;
    std::optional<MonoTime> last_ack;
    uint64_t session = 0;
  };
  struct PendingAccept {
    std::string peer;
    uint64_t session = 0;
    uint64_t bundle_seq = 0;
    size_t punches = 0;
  };
  struct Downstream {   // a peer that sends us bundles, by node id
    std::string route;  // its current transport routing id
    uint64_t session = 0;
  };

  wire::Envelope NewEnvelope() const;
  wire::Envelope HelloFrame(const std::string& for_peer_node) const;
  void Emit(Action::Kind kind, const std::string& peer, wire::Envelope frame);
  void EmitWrite(WriteRequest req);
  Link* Active();
  const Link* Active() const;
  Link* FindLink(const std::string& id);
  void ChooseUpstream(MonoTime now);
  void Activate(MonoTime now, Link* next);
  void FillWindow(MonoTime now);
  void AttachSeals(const std::vector<wire::Punch>& punches, wire::Bundle* b);
  // Sink with origin keys: moves the punches that fail verification into w->quarantined.
  void CheckOrigins(const std::string& via, const wire::Bundle& b, WriteRequest* w);
  void Retransmit(MonoTime now);
  void Heartbeat(MonoTime now);
  void DropInFlight();
  void HandleAck(MonoTime now, Link& link, const wire::CustodyAck& ack);
  void LearnReceipts(MonoTime now,
                     const google::protobuf::RepeatedPtrField<wire::Receipt>& receipts);
  void PushReceipts();
  void MaybeRequeue(MonoTime now);
  void SendTelemetry(MonoTime now);
  void HandleBundle(const std::string& peer, const wire::Envelope& frame);
  void HandleHello(const std::string& peer, const wire::Envelope& frame);
  void ForwardTelemetry(const wire::Envelope& frame);
  void RememberOrigins(const std::string& peer_node, const std::vector<wire::Punch>& punches);
  uint64_t NextToken() { return ++last_token_; }

  EngineOptions options_;
  PunchSource* source_;
  std::vector<Action> actions_;
  EngineCounters counters_;
  uint64_t last_token_ = 0;

  // Sender side: candidate links; bundles go to the active one only.
  std::vector<Link> links_;
  int active_ = -1;
  MonoTime next_hello_{};
  MonoTime next_telemetry_{};
  uint64_t next_session_ = 0;
  uint64_t next_bundle_seq_ = 1;
  uint64_t cursor_ = 0;  // last qseq put into a bundle in this session
  // FillWindow's buffers, kept so that their punches' strings are reused for every bundle:
  // the queue is read into fetch_buf_, then its punches are swapped into bundle_buf_ (the
  // vector the packer and the seals take); each side keeps the other's old buffers.
  std::vector<storage::QueuedPunch> fetch_buf_;
  std::vector<wire::Punch> bundle_buf_;
  static constexpr size_t kMaxSpares = 2;
  std::vector<std::vector<wire::Punch>> spares_;  // GiveSpare
  // TakeCommitted: batches in commit order (their qseqs rise), at most kMaxCommitted punches
  // (~4 MiB) and none while the upstream is down; the store holds them all anyway, so
  // dropping the oldest costs only a read.
  static constexpr size_t kMaxCommitted = 16384;
  struct Committed {
    std::vector<wire::Punch> punches;
    std::vector<uint64_t> qseqs;  // per punch; 0 = not queued
    size_t next = 0;
  };
  std::deque<Committed> committed_;
  size_t committed_punches_ = 0;
  void DropCommittedFront();
  size_t TakeFromCommitted();
  std::map<uint64_t, InFlight> in_flight_;
  // Origin: when our own receipt last advanced (or when we last re-offered).
  MonoTime receipt_progress_at_{};
  uint64_t own_through_ = 0;
  bool requeue_pending_ = false;
  bool receipts_started_ = false;

  // Receiver side.
  std::map<uint64_t, PendingAccept> pending_accepts_;
  size_t pending_punches_ = 0;
  std::map<std::string, Downstream> downstream_;  // by node id
  // Receipts learned from upstream (or made here, at the sink), by origin and epoch, and the
  // downstream node each origin's punches came through: receipts travel back that way.
  std::map<std::pair<std::string, uint64_t>, uint64_t> receipts_;
  std::map<std::string, std::string> origin_via_;
  // Downstream nodes (by node id) with receipts they have not been told yet: sent at once in
  // an unsolicited hello instead of waiting for their next hello (up to a heartbeat later).
  std::set<std::string> receipts_to_push_;
};

}  // namespace titip::relay
