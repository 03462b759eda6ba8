// Handshake watching and redial (see curve_redial.h).
#include "curve_redial.h"

#include <spdlog/spdlog.h>

#include <cstring>
#include <zmq_addon.hpp>

namespace titip::relay {
namespace {

constexpr int kFailures = ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                          ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL;
constexpr std::chrono::seconds kMaxBackoff{60};

}  // namespace

HandshakeWatch::HandshakeWatch(zmq::context_t& ctx, zmq::socket_t& dealer, std::string upstream_id,
                               std::string endpoint, size_t index)
    : pair_(ctx, zmq::socket_type::pair),
      upstream_id_(std::move(upstream_id)),
      endpoint_(std::move(endpoint)) {
  std::string mon = "inproc://titip-handshake-" + std::to_string(index);
  if (zmq_socket_monitor(dealer.handle(), mon.c_str(), kFailures | ZMQ_EVENT_HANDSHAKE_SUCCEEDED) !=
      0) {
    throw zmq::error_t();
  }
  pair_.set(zmq::sockopt::linger, 0);
  pair_.connect(mon);
}

void HandshakeWatch::OnEvents(MonoTime now, LoopCounters& counters) {
  for (int budget = 0; budget < 100; ++budget) {
    std::vector<zmq::message_t> ev;
    if (!zmq::recv_multipart(pair_, std::back_inserter(ev), zmq::recv_flags::dontwait)) return;
    if (ev.empty() || ev[0].size() < 6) continue;
    uint16_t event;
    uint32_t value;
    std::memcpy(&event, ev[0].data(), 2);
    std::memcpy(&value, static_cast<const char*>(ev[0].data()) + 2, 4);
    if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
      backoff_ = std::chrono::seconds(1);
      continue;
    }
    ++counters.handshakes_failed;
    const char* why = event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
                          ? "refused our key (is it in the upstream's allowed_keys_file?)"
                          : "handshake failed (CURVE on one side only, or a wrong public_key?)";
    if (counters.handshakes_failed <= 20 || counters.handshakes_failed % 100 == 0) {
      spdlog::error("upstream {} at {} {} [status {}]; retrying in {} s", upstream_id_, endpoint_,
                    why, value, backoff_.count());
    }
    redial_at_ = now + backoff_;
    backoff_ = std::min(backoff_ * 2, kMaxBackoff);
  }
}

void HandshakeWatch::MaybeRedial(MonoTime now, zmq::socket_t& dealer) {
  if (!redial_at_ || now < *redial_at_) return;
  redial_at_.reset();
  try {
    dealer.disconnect(endpoint_);
  } catch (const zmq::error_t&) {  // ENOENT: the refused session is already gone
  }
  try {
    dealer.connect(endpoint_);
  } catch (const zmq::error_t& e) {
    spdlog::warn("redial {} failed: {}", endpoint_, e.what());
  }
}

}  // namespace titip::relay
