// ZeroMQ plumbing for the node loop. Options and why:
//  - DEALER ZMQ_IMMEDIATE=1: never queue onto a connection that is not up (PITFALLS);
//  - ROUTER ZMQ_ROUTER_MANDATORY=1: an unroutable ack is an error we count, not silence;
//  - ROUTER ZMQ_ROUTER_HANDOVER=1: a reconnecting peer takes over its routing id;
//  - ZMTP heartbeats find dead TCP peers on links where no FIN ever arrives;
//  - ZMQ_MAXMSGSIZE bounds what a peer can make us allocate; linger 0 for a prompt stop.
#include "zmq_sockets.h"

#include <spdlog/spdlog.h>

namespace titip::relay {
namespace {

void CommonOptions(zmq::socket_t& s, int max_frame_bytes) {
  s.set(zmq::sockopt::linger, 0);
  s.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(max_frame_bytes));
  s.set(zmq::sockopt::heartbeat_ivl, 2000);
  s.set(zmq::sockopt::heartbeat_timeout, 6000);
  s.set(zmq::sockopt::heartbeat_ttl, 6000);
  s.set(zmq::sockopt::sndhwm, 1000);
  s.set(zmq::sockopt::rcvhwm, 1000);
}

}  // namespace

zmq::socket_t MakeDealer(zmq::context_t& ctx, int max_frame_bytes) {
  zmq::socket_t s(ctx, zmq::socket_type::dealer);
  CommonOptions(s, max_frame_bytes);
  s.set(zmq::sockopt::immediate, 1);
  s.set(zmq::sockopt::reconnect_ivl, 200);
  s.set(zmq::sockopt::reconnect_ivl_max, 5000);
  return s;
}

zmq::socket_t MakeRouter(zmq::context_t& ctx, int max_frame_bytes) {
  zmq::socket_t s(ctx, zmq::socket_type::router);
  CommonOptions(s, max_frame_bytes);
  s.set(zmq::sockopt::router_mandatory, 1);
  s.set(zmq::sockopt::router_handover, 1);
  return s;
}

bool SendToUpstream(zmq::socket_t& dealer, const std::string& bytes) {
  try {
    return dealer.send(zmq::buffer(bytes), zmq::send_flags::dontwait).has_value();
  } catch (const zmq::error_t&) {
    return false;
  }
}

bool SendToPeer(zmq::socket_t& router, const std::string& peer, const std::string& bytes) {
  try {
    if (!router.send(zmq::buffer(peer), zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
      return false;
    }
    return router.send(zmq::buffer(bytes), zmq::send_flags::dontwait).has_value();
  } catch (const zmq::error_t&) {  // EHOSTUNREACH: peer gone; it will retransmit
    return false;
  }
}

namespace {

// A peer may authenticate as node X (its key) and claim to be Y in its frames: that would let
// one stolen gateway key speak for every office. Dropped without an ack, so nothing is stored.
bool IdentityMatches(const zmq::message_t& body, const wire::Envelope& env,
                     LoopCounters& counters) {
  const char* user = zmq_msg_gets(body.handle(), "User-Id");
  const bool hello_ok = !env.has_hello() || env.hello().node().empty() ||
                        (user != nullptr && env.hello().node() == user);
  if (user != nullptr && env.sender() == user && hello_ok) return true;
  ++counters.frames_unauthenticated;
  if (counters.frames_unauthenticated <= 20 || counters.frames_unauthenticated % 1000 == 0) {
    const char* addr = zmq_msg_gets(body.handle(), "Peer-Address");
    spdlog::warn("dropped frame from {}: claims node '{}' but its key belongs to '{}'; {} so far",
                 addr ? addr : "?", env.sender().substr(0, 64), user ? user : "(none)",
                 counters.frames_unauthenticated);
  }
  return false;
}

}  // namespace

void ReceiveAll(zmq::socket_t& sock, bool routed, bool bind_identity, LoopCounters& counters,
                const std::function<void(const std::string&, const wire::Envelope&)>& fn) {
  for (int budget = 0; budget < 1000; ++budget) {
    std::vector<zmq::message_t> parts;
    try {
      auto n = zmq::recv_multipart(sock, std::back_inserter(parts), zmq::recv_flags::dontwait);
      if (!n) return;
    } catch (const zmq::error_t& e) {
      spdlog::warn("receive failed: {}", e.what());
      return;
    }
    ++counters.frames_in;
    size_t want = routed ? 2 : 1;
    wire::Envelope env;
    if (parts.size() != want ||
        !env.ParseFromArray(parts.back().data(), static_cast<int>(parts.back().size())) ||
        env.version() != kWireVersion) {
      ++counters.frames_malformed;
      if (counters.frames_malformed % 1000 == 1) {
        spdlog::warn("dropped malformed frame ({} parts, {} bytes); {} so far", parts.size(),
                     parts.empty() ? 0 : parts.back().size(), counters.frames_malformed);
      }
      continue;
    }
    if (bind_identity && !IdentityMatches(parts.back(), env, counters)) continue;
    fn(routed ? parts.front().to_string() : std::string(), env);
  }
}

}  // namespace titip::relay
