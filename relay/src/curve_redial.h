// libzmq 4.3 never reconnects a client whose handshake was refused: a ZAP 400 or a mechanism
// mismatch is a protocol error, not a connection error, and the session just ends. A gateway
// installed before its key was listed upstream would then stay silent until restarted, even
// after the upstream's SIGHUP. HandshakeWatch follows one DEALER's handshake events through a
// socket monitor, says loudly on the refused side what happened, and redials with backoff.
#pragma once

#include <utility>

#include <chrono>
#include <optional>
#include <string>
#include <zmq.hpp>

#include "titip/common/clock.h"
#include "titip/relay/node_loop.h"

namespace titip::relay {

class HandshakeWatch {
 public:
  // Call before dealer.connect(); `index` makes the monitor endpoint unique in `ctx`.
  HandshakeWatch(zmq::context_t& ctx, zmq::socket_t& dealer, std::string upstream_id,
                 std::string endpoint, size_t index);
  zmq::socket_t& events() { return pair_; }
  // Reads waiting events (non-blocking): a refusal schedules a redial, a success resets the
  // backoff.
  void OnEvents(MonoTime now, LoopCounters& counters);
  // Redials `dealer` when a refused handshake's backoff has passed.
  void MaybeRedial(MonoTime now, zmq::socket_t& dealer);

 private:
  zmq::socket_t pair_;
  std::string upstream_id_, endpoint_;
  std::optional<MonoTime> redial_at_;
  std::chrono::seconds backoff_{1};
};

}  // namespace titip::relay
