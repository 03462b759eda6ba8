// The ZAP handler (RFC 27) of a CURVE server socket: libzmq asks it, over a REP socket bound
// on inproc://zeromq.zap.01 in the same context, whether a client key may connect. It answers
// 200 with the key's node id as User-Id (which libzmq then attaches to every frame from that
// peer, so the loop can bind claimed ids to keys) or 400. Runs on the loop thread: libzmq's
// I/O thread waits for the reply asynchronously, so a poll tick of delay is harmless.
#pragma once

#include <utility>

#include <string>
#include <zmq.hpp>

#include "titip/relay/node_loop.h"
#include "titip/relay/security.h"

namespace titip::relay {

inline constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";
inline constexpr const char* kZapDomain = "titip";

class ZapHandler {
 public:
  // Binds the REP socket. Must run before any CURVE server socket of `ctx` binds: with no
  // handler bound, libzmq 4.3 lets every CURVE client in.
  ZapHandler(zmq::context_t& ctx, Allowlist list, std::string path);
  zmq::socket_t& socket() { return rep_; }
  // Answers every waiting request (non-blocking). Rejections are logged (rate-limited) with
  // the peer address and counted.
  void HandleAll(LoopCounters& counters);
  // Re-reads the allowlist file; on error the old list stays in force.
  Status Reload();
  size_t size() const { return list_.node_by_key.size(); }
  bool MayRelay(const std::string& node) const { return list_.relays.count(node) != 0; }

 private:
  void HandleOne(std::vector<zmq::message_t>& req, LoopCounters& counters);

  zmq::socket_t rep_;
  Allowlist list_;
  std::string path_;
};

// False (counted, logged) when `env` is a bundle carrying a punch whose origin is not its
// sender and the sender may not relay. Undecodable bundles pass: the engine refuses them.
bool OriginsAllowed(const wire::Envelope& env, bool may_relay, LoopCounters& counters);

// CURVE options; set before bind/connect. Keys are z85.
void MakeCurveServer(zmq::socket_t& s, const std::string& secret_z85);
void MakeCurveClient(zmq::socket_t& s, const CurveKeypair& ours, const std::string& server_z85);

}  // namespace titip::relay
