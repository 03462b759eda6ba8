// Drives an Engine with ZeroMQ (SPEC §5): a DEALER to the upstream, a ROUTER for downstream
// peers, and the group committer for store writes. One thread runs Run(); it owns the sockets
// and the engine. Write completions come back from the committer's thread through a queue
// and an eventfd, so the engine is only ever touched by the loop thread.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "titip/common/clock.h"
#include "titip/relay/engine.h"
#include "titip/relay/origin_seal.h"
#include "titip/relay/security.h"
#include "titip/storage/group_commit.h"
#include "titip/storage/store.h"

namespace titip::relay {

struct NodeLoopOptions {
  std::string listen;  // ROUTER bind endpoint; empty: accept no downstream peers
  struct Upstream {
    std::string id;
    std::string endpoint;    // DEALER connect endpoint
    std::string public_key;  // z85 CURVE server key; used when `security` is set
  };
  std::vector<Upstream> upstreams;  // one DEALER each; empty: no upstream (the sink)
  std::string runtime_status_path;  // JSON snapshot for titipctl, rewritten each second
  int stop_fd = -1;                 // readable → Run() returns (signal handler writes to it)
  int max_frame_bytes = 32 << 20;   // ZMQ_MAXMSGSIZE: larger frames are dropped by libzmq
  std::chrono::milliseconds tick{50};
  // Committed bundles' punches go to Engine::TakeCommitted (forwarded from memory when next
  // in the queue). False: every forward reads the store (a test hook that must see them).
  bool forward_committed = true;
  // CURVE on every link (issue 6). Set: the ROUTER is a CURVE server whose ZAP handler admits
  // only allowlisted keys, every DEALER a CURVE client, and a downstream frame whose sender is
  // not the node id bound to its key is dropped and counted. Unset: plaintext.
  struct Security {
    CurveKeypair keys;
    Allowlist allowlist;
    std::string allowlist_path;  // re-read when reload_fd is readable (SIGHUP)
    // Origin signatures (origin_seal.h): a gateway's signing key, the aggregator's registered
    // keys. Either may be unset. The daemon hands them to the engine.
    std::shared_ptr<const SigningKey> signing_key;
    std::shared_ptr<OriginKeys> origin_keys;
  };
  std::optional<Security> security;
  // The sink's origin_keys_file: re-read into the engine's origin_keys on SIGHUP too.
  std::string origin_keys_path;
  int reload_fd = -1;
  // Called on the loop thread after each SIGHUP (besides the allowlist reload): the role's
  // services re-read their files.
  std::function<void()> on_reload;
  // Called about once a second on the loop thread (housekeeping: pruning, reader checks).
  std::function<void()> on_second;
  // Called once on the loop thread after every socket is bound/connected, before serving
  // (the daemon tells systemd READY=1 here).
  std::function<void()> on_ready;
  // Optional: the terminals' states for the runtime status file ("terminals" array), built on
  // the loop thread at each rewrite; `now_ms` is the wall time of the snapshot.
  std::function<nlohmann::json(int64_t now_ms)> terminals_json;
};

struct LoopCounters {
  uint64_t frames_in = 0, frames_out = 0, frames_malformed = 0, frames_dropped = 0;
  uint64_t writes_failed = 0;
  // Security (issue 6): frames whose claimed sender is not the node bound to the peer's key;
  // CURVE clients the ZAP handler let in / turned away.
  // handshakes_failed: our own upstream links refused (bad key, CURVE mismatch).
  uint64_t frames_unauthenticated = 0, zap_accepted = 0, zap_rejected = 0;
  uint64_t handshakes_failed = 0;
  uint64_t bundles_foreign_origin = 0;  // others' punches from a node not marked `relay`
};

class NodeLoop {
 public:
  NodeLoop(NodeLoopOptions options, Engine& engine, storage::Store& store,
           storage::GroupCommitter& committer, const Clock& clock);
  ~NodeLoop();
  // Binds/connects and runs until stop_fd is readable. Errors binding are returned.
  Status Run();
  const LoopCounters& counters() const { return counters_; }

 private:
  struct Completion {
    uint64_t token;
    Status status;
    storage::IntakeOutcome outcome;
    // An accepted bundle's punches, back to the engine as a spare (Engine::GiveSpare). The
    // committer's copies of the pointer only release it: it reads the punches no more once
    // it reports the write done.
    std::shared_ptr<std::vector<wire::Punch>> punches;
  };
  void Execute(std::vector<Action> actions);
  void SubmitWrite(WriteRequest req);
  void LogQuarantine(const std::vector<storage::QuarantineEntry>& q);
  void DrainCompletions();
  void WriteRuntimeStatus();
  void ReloadIfAsked();

  NodeLoopOptions options_;
  Engine& engine_;
  storage::GroupCommitter& committer_;
  const Clock& clock_;
  int wake_fd_ = -1;
  std::mutex mu_;
  std::deque<Completion> completions_;
  LoopCounters counters_;
  LinkState last_link_state_ = LinkState::kConnecting;
  struct Sockets;
  Sockets* sockets_ = nullptr;
};

}  // namespace titip::relay
