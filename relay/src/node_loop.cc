// The ZeroMQ event loop around the custody engine. ZeroMQ is a framed pipe here, never a
// reliable queue (PITFALLS): every frame may vanish, and the engine's sequence numbers, acks
// and retransmits from LMDB make up for it.
#include <utility>  // before zmq/boost headers (g++ 12 + C++20)

#include "titip/relay/node_loop.h"

#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <zmq.hpp>

#include "curve_redial.h"
#include "titip/relay/runtime_status.h"
#include "zap_handler.h"
#include "zmq_sockets.h"

namespace titip::relay {

struct NodeLoop::Sockets {
  zmq::context_t ctx{1};
  std::unique_ptr<ZapHandler> zap;  // before `down`: bound before the CURVE server binds
  std::vector<zmq::socket_t> up;    // DEALER per upstream, in options_.upstreams order
  std::vector<std::unique_ptr<HandshakeWatch>> watch;  // one per DEALER: redial when refused
  std::optional<zmq::socket_t> down;                   // ROUTER
};

// The loop writes only through the committer; the store parameter stays for the callers.
NodeLoop::NodeLoop(NodeLoopOptions options, Engine& engine, storage::Store& /*store*/,
                   storage::GroupCommitter& committer, const Clock& clock)
    : options_(std::move(options)),
      engine_(engine),
      committer_(committer),
      clock_(clock),
      wake_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
      sockets_(new Sockets) {}

NodeLoop::~NodeLoop() {
  delete sockets_;
  if (wake_fd_ >= 0) close(wake_fd_);
}

// One line per bundle, naming the first punch: enough to find them with titipctl quarantine.
void NodeLoop::LogQuarantine(const std::vector<storage::QuarantineEntry>& q) {
  if (q.empty()) return;
  const auto& p = q.front().punch;
  spdlog::warn(
      "origin verification failed for {} punch(es) from {}: quarantined, not stored (first: "
      "{}/{:016x}/{} {}); see titipctl quarantine",
      q.size(), q.front().via, p.origin(), p.epoch(), p.seq(), q.front().reason);
}

void NodeLoop::SubmitWrite(WriteRequest req) {
  auto outcome = std::make_shared<storage::IntakeOutcome>();
  storage::WriteOp op;
  std::shared_ptr<std::vector<wire::Punch>> spare;  // kAcceptBundle: back to the engine when done
  const storage::Role role = engine_.options().role;
  if (req.kind == WriteRequest::Kind::kRequeue) {
    op.apply = [](storage::WriteTxn& txn) {
      uint64_t n = 0;
      Status s = txn.RequeueUnreceipted(&n);
      if (s.ok() && n) spdlog::info("re-offering {} punches whose receipt is overdue", n);
      return s;
    };
  } else if (req.kind == WriteRequest::Kind::kTelemetry) {
    op.intake = true;  // it may grow the store: a full store refuses it first
    auto t = std::make_shared<wire::Telemetry>(std::move(req.telemetry));
    int64_t at = clock_.Wall().count();
    op.apply = [t, at](storage::WriteTxn& txn) { return txn.PutTelemetry(*t, at); };
  } else if (req.kind == WriteRequest::Kind::kAcceptBundle) {
    op.intake = true;
    for (const auto& p : req.punches) op.size_hint += p.ByteSizeLong();
    auto punches = std::make_shared<std::vector<wire::Punch>>(std::move(req.punches));
    spare = punches;
    auto seals = std::make_shared<std::vector<wire::Seal>>(std::move(req.seals));
    auto quarantined =
        std::make_shared<std::vector<storage::QuarantineEntry>>(std::move(req.quarantined));
    for (const auto& q : *quarantined) op.size_hint += q.punch.ByteSizeLong();
    LogQuarantine(*quarantined);
    op.apply = [punches, seals, quarantined, outcome, role](storage::WriteTxn& txn) {
      Status s = txn.Accept(*punches, role, outcome.get());
      if (s.ok()) s = txn.PutSeals(*seals);
      if (s.ok()) s = txn.Quarantine(*quarantined, &outcome->quarantined);
      return s;
    };
  } else {
    op.size_hint = req.keys.size() * 64;
    auto keys = std::make_shared<std::vector<storage::PunchKey>>(std::move(req.keys));
    auto receipts = std::make_shared<std::vector<wire::Receipt>>(std::move(req.receipts));
    op.apply = [keys, receipts](storage::WriteTxn& txn) {
      Status s = txn.MarkInCustody(*keys);
      for (const auto& r : *receipts) {
        if (!s.ok()) break;
        Status rs = txn.ApplyReceipt(r);
        // A bogus receipt must not undo the custody marks beside it.
        if (rs.code() == Code::kInvalidArgument) {
          spdlog::warn("ignoring receipt for {}: {}", r.origin(), rs.message());
        } else {
          s = rs;
        }
      }
      return s;
    };
  }
  uint64_t token = req.token;
  committer_.Submit(std::move(op), [this, token, outcome, spare](Status s) {
    {
      std::lock_guard lock(mu_);
      completions_.push_back(Completion{token, std::move(s), std::move(*outcome), spare});
    }
    uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof one);
  });
}

void NodeLoop::DrainCompletions() {
  uint64_t n;
  (void)!read(wake_fd_, &n, sizeof n);
  std::deque<Completion> done;
  {
    std::lock_guard lock(mu_);
    done.swap(completions_);
  }
  for (auto& c : done) {
    if (!c.status.ok()) {
      ++counters_.writes_failed;
      spdlog::warn("store write failed: {}", c.status.ToString());
    }
    engine_.OnWriteDone(clock_.Mono(), c.token, c.status, c.outcome);
    if (c.punches && c.status.ok() && options_.forward_committed) {
      engine_.TakeCommitted(std::move(*c.punches), std::move(c.outcome.qseqs));
    } else if (c.punches) {
      engine_.GiveSpare(std::move(*c.punches));
    }
  }
}

void NodeLoop::Execute(std::vector<Action> actions) {
  for (auto& a : actions) {
    if (a.kind == Action::Kind::kWrite) {
      SubmitWrite(std::move(a.write));
      continue;
    }
    std::string bytes = a.frame.SerializeAsString();
    bool sent = false;
    if (a.kind == Action::Kind::kSendUp) {
      for (size_t i = 0; i < options_.upstreams.size(); ++i) {
        if (options_.upstreams[i].id == a.peer) sent = SendToUpstream(sockets_->up[i], bytes);
      }
    } else {
      sent = sockets_->down && SendToPeer(*sockets_->down, a.peer, bytes);
    }
    sent ? ++counters_.frames_out : ++counters_.frames_dropped;
  }
}

void NodeLoop::WriteRuntimeStatus() {
  RuntimeSnapshot snap;
  snap.node = engine_.options().node_id;
  snap.wall_ms = clock_.Wall().count();
  snap.upstreams = engine_.upstreams_status();
  snap.now = clock_.Mono();
  snap.engine = engine_.counters();
  snap.loop = counters_;
  if (options_.terminals_json) snap.terminals = options_.terminals_json(snap.wall_ms);
  if (Status s = WriteRuntimeStatusFile(options_.runtime_status_path, snap); !s.ok()) {
    spdlog::warn("cannot write runtime status: {}", s.ToString());
  }
}

void NodeLoop::ReloadIfAsked() {
  uint64_t n;
  if (read(options_.reload_fd, &n, sizeof n) != sizeof n) return;
  if (options_.on_reload) options_.on_reload();
  if (sockets_->zap) {
    if (Status st = sockets_->zap->Reload(); !st.ok()) {
      spdlog::error("allowlist not reloaded, the old one stays in force: {}", st.ToString());
    } else {
      spdlog::info("allowlist reloaded: {} keys", sockets_->zap->size());
    }
  }
  const auto& keys = engine_.options().origin_keys;
  if (keys && !options_.origin_keys_path.empty()) {
    auto fresh = LoadOriginKeys(options_.origin_keys_path);
    if (!fresh.ok()) {
      spdlog::error("origin keys not reloaded, the old ones stay in force: {}",
                    fresh.status().ToString());
    } else {
      *keys = std::move(*fresh);  // on the engine's own thread: no lock needed
      spdlog::info("origin keys reloaded: {} nodes", keys->by_node.size());
    }
  }
}

Status NodeLoop::Run() {
  Sockets& s = *sockets_;
  const auto& sec = options_.security;
  try {
    if (!options_.listen.empty()) {
      if (sec) s.zap = std::make_unique<ZapHandler>(s.ctx, sec->allowlist, sec->allowlist_path);
      s.down.emplace(MakeRouter(s.ctx, options_.max_frame_bytes));
      if (sec) MakeCurveServer(*s.down, sec->keys.secret_z85);
      s.down->bind(options_.listen);
    }
    for (const auto& u : options_.upstreams) {
      s.up.push_back(MakeDealer(s.ctx, options_.max_frame_bytes));
      if (sec) MakeCurveClient(s.up.back(), sec->keys, u.public_key);
      s.watch.push_back(
          std::make_unique<HandshakeWatch>(s.ctx, s.up.back(), u.id, u.endpoint, s.watch.size()));
      s.up.back().connect(u.endpoint);
    }
  } catch (const zmq::error_t& e) {
    return Status::Unavailable("cannot bind/connect: " + std::string(e.what()));
  }
  if (options_.on_ready) options_.on_ready();
  MonoTime next_second = clock_.Mono();
  for (;;) {
    std::vector<zmq::pollitem_t> items;
    items.push_back({nullptr, wake_fd_, ZMQ_POLLIN, 0});
    items.push_back({nullptr, options_.stop_fd, ZMQ_POLLIN, 0});
    for (auto& u : s.up) items.push_back({u.handle(), 0, ZMQ_POLLIN, 0});
    if (s.down) items.push_back({s.down->handle(), 0, ZMQ_POLLIN, 0});
    if (options_.reload_fd >= 0) items.push_back({nullptr, options_.reload_fd, ZMQ_POLLIN, 0});
    if (s.zap) items.push_back({s.zap->socket().handle(), 0, ZMQ_POLLIN, 0});
    for (auto& w : s.watch) items.push_back({w->events().handle(), 0, ZMQ_POLLIN, 0});
    try {
      zmq::poll(items, options_.tick);
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) return Status::IoError(std::string("poll: ") + e.what());
    }
    if (items[1].revents & ZMQ_POLLIN) break;
    if (items[0].revents & ZMQ_POLLIN) DrainCompletions();
    if (options_.reload_fd >= 0) ReloadIfAsked();
    if (s.zap) s.zap->HandleAll(counters_);
    MonoTime now = clock_.Mono();
    for (size_t i = 0; i < s.watch.size(); ++i) {
      s.watch[i]->OnEvents(now, counters_);
      s.watch[i]->MaybeRedial(now, s.up[i]);
    }
    for (size_t i = 0; i < s.up.size(); ++i) {
      const std::string& id = options_.upstreams[i].id;
      ReceiveAll(s.up[i], false, false, counters_,
                 [&](const std::string&, const wire::Envelope& e) {
                   engine_.OnUpstreamFrame(now, id, e);
                 });
    }
    if (s.down) {
      ReceiveAll(*s.down, true, sec.has_value(), counters_,
                 [&](const std::string& peer, const wire::Envelope& e) {
                   if (s.zap && !OriginsAllowed(e, s.zap->MayRelay(e.sender()), counters_)) {
                     return;
                   }
                   engine_.OnDownstreamFrame(now, peer, e);
                 });
    }
    engine_.OnTick(now);
    Execute(engine_.TakeActions());
    LinkState link = engine_.upstream_status().state;
    bool link_changed = link != last_link_state_;
    last_link_state_ = link;
    if (link_changed && !options_.runtime_status_path.empty()) WriteRuntimeStatus();
    if (now >= next_second) {
      next_second = now + std::chrono::seconds(1);
      if (options_.on_second) options_.on_second();
      if (!options_.runtime_status_path.empty()) WriteRuntimeStatus();
    }
  }
  if (!options_.runtime_status_path.empty()) WriteRuntimeStatus();
  return Status::Ok();
}

}  // namespace titip::relay
