// ZAP handler and CURVE socket options (see zap_handler.h).
#include "zap_handler.h"

#include <spdlog/spdlog.h>

#include <zmq_addon.hpp>

namespace titip::relay {

ZapHandler::ZapHandler(zmq::context_t& ctx, Allowlist list, std::string path)
    : rep_(ctx, zmq::socket_type::rep), list_(std::move(list)), path_(std::move(path)) {
  rep_.set(zmq::sockopt::linger, 0);
  rep_.bind(kZapEndpoint);
}

Status ZapHandler::Reload() {
  auto next = LoadAllowlist(path_);
  if (!next.ok()) return next.status();
  list_ = std::move(*next);
  return Status::Ok();
}

void ZapHandler::HandleAll(LoopCounters& counters) {
  for (int budget = 0; budget < 1000; ++budget) {
    std::vector<zmq::message_t> req;
    try {
      if (!zmq::recv_multipart(rep_, std::back_inserter(req), zmq::recv_flags::dontwait)) return;
      HandleOne(req, counters);
    } catch (const zmq::error_t& e) {
      spdlog::warn("ZAP handler: {}", e.what());
      return;
    }
  }
}

void ZapHandler::HandleOne(std::vector<zmq::message_t>& req, LoopCounters& counters) {
  // Request: version, request id, domain, address, routing id, mechanism, credentials...
  std::string version = req.size() > 0 ? req[0].to_string() : "";
  std::string request_id = req.size() > 1 ? req[1].to_string() : "";
  std::string address = req.size() > 3 ? req[3].to_string() : "?";
  std::string mechanism = req.size() > 5 ? req[5].to_string() : "";
  std::string key = req.size() > 6 ? req[6].to_string() : "";
  std::string node;
  const char* why = nullptr;
  if (version != "1.0" || req.size() < 6) {
    why = "malformed ZAP request";
  } else if (mechanism != "CURVE" || req.size() != 7) {
    why = "not CURVE";
  } else if (auto it = list_.node_by_key.find(key); it == list_.node_by_key.end()) {
    why = "key not in the allowlist";
  } else {
    node = it->second;
  }
  if (why != nullptr) {
    ++counters.zap_rejected;
    if (counters.zap_rejected <= 20 || counters.zap_rejected % 1000 == 0) {
      spdlog::warn("refused connection from {}: {} (key {}); {} refused so far", address, why,
                   key.size() == 32 ? EncodeZ85Key(key) : "-", counters.zap_rejected);
    }
  } else {
    ++counters.zap_accepted;
    spdlog::info("accepted {} as node '{}'", address, node);
  }
  // A REP socket must answer every request, or it stops receiving.
  std::array<zmq::const_buffer, 6> reply = {
      zmq::str_buffer("1.0"),
      zmq::buffer(request_id),
      why ? zmq::str_buffer("400") : zmq::str_buffer("200"),
      why ? zmq::buffer(std::string_view(why)) : zmq::str_buffer("OK"),
      zmq::buffer(node),
      zmq::const_buffer()};
  zmq::send_multipart(rep_, reply, zmq::send_flags::dontwait);
}

void MakeCurveServer(zmq::socket_t& s, const std::string& secret_z85) {
  s.set(zmq::sockopt::curve_server, 1);
  s.set(zmq::sockopt::curve_secretkey, secret_z85);
  s.set(zmq::sockopt::zap_domain, kZapDomain);
}

void MakeCurveClient(zmq::socket_t& s, const CurveKeypair& ours, const std::string& server_z85) {
  s.set(zmq::sockopt::curve_serverkey, server_z85);
  s.set(zmq::sockopt::curve_publickey, ours.public_z85);
  s.set(zmq::sockopt::curve_secretkey, ours.secret_z85);
}

}  // namespace titip::relay
