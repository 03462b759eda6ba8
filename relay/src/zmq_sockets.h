// Socket set-up with the options of SPEC §5, and bounded, exception-free send/receive.
#pragma once

#include <utility>

#include <functional>
#include <string>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "titip.pb.h"
#include "titip/relay/node_loop.h"

namespace titip::relay {

zmq::socket_t MakeDealer(zmq::context_t& ctx, int max_frame_bytes);
zmq::socket_t MakeRouter(zmq::context_t& ctx, int max_frame_bytes);
// Non-blocking; false when the frame could not be queued (no live peer, HWM reached).
bool SendToUpstream(zmq::socket_t& dealer, const std::string& bytes);
bool SendToPeer(zmq::socket_t& router, const std::string& peer, const std::string& bytes);
// Reads every waiting message; malformed ones are counted and logged, never passed on. With
// `bind_identity`, a frame whose Envelope.sender differs from the User-Id the ZAP handler
// bound to the peer's CURVE key is dropped and counted too.
void ReceiveAll(zmq::socket_t& sock, bool routed, bool bind_identity, LoopCounters& counters,
                const std::function<void(const std::string&, const wire::Envelope&)>& fn);

}  // namespace titip::relay
