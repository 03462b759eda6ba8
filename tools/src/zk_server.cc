// One thread per connection: clients are few (a gateway, a test tool), and blocking I/O keeps
// the pacing rule — each frame its own write, then a pause — plain to read.
#include <utility>  // before Boost.Asio (Boost 1.74 + g++ 12 in C++20)

#include "zk_server.h"

#include <atomic>
#include <boost/asio.hpp>
#include <cstdio>
#include <map>
#include <memory>
#include <thread>

namespace titip::tools {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

void Serve(ZkDevice& device, tcp::socket sock, uint16_t session_id, int gap_ms) {
  boost::system::error_code ec;
  sock.set_option(tcp::no_delay(true), ec);
  std::string peer = "?";
  auto ep = sock.remote_endpoint(ec);
  if (!ec) peer = ep.address().to_string() + ":" + std::to_string(ep.port());
  ZkSession session(device, session_id);
  gateway::zk::TcpFrameReader reader;
  uint64_t packets = 0;
  char buf[8192];
  bool close = false;
  while (!close) {
    size_t n = sock.read_some(asio::buffer(buf), ec);
    if (ec) break;
    reader.Feed(std::string_view(buf, n));
    while (auto p = reader.Next()) {
      ++packets;
      if (!p->checksum_ok) {
        std::fprintf(stderr, "termsim zk: %s sent %s with a bad checksum (answered anyway)\n",
                     peer.c_str(), gateway::zk::CmdName(p->cmd).c_str());
      }
      for (const std::string& frame : session.Handle(*p, &close)) {
        asio::write(sock, asio::buffer(frame), ec);
        if (ec) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(gap_ms));
      }
      if (ec || close) break;
    }
    if (ec) break;
  }
  std::fprintf(stderr,
               "termsim zk: %s closed after %llu packets (%llu garbage bytes, %llu unknown)\n",
               peer.c_str(), static_cast<unsigned long long>(packets),
               static_cast<unsigned long long>(reader.garbage_bytes()),
               static_cast<unsigned long long>(session.unknown_commands()));
  sock.close(ec);
}

// UDP on the same port: one datagram per packet (the TCP frames minus their 8-byte top), a
// session per client address, created at CMD_CONNECT and dropped at CMD_EXIT.
void ServeUdp(ZkDevice& device, asio::ip::udp::socket sock, int gap_ms) {
  std::map<asio::ip::udp::endpoint, std::unique_ptr<ZkSession>> sessions;
  uint16_t next_session = 0x6A01;
  std::vector<char> buf(65536);
  boost::system::error_code ec;
  while (true) {
    asio::ip::udp::endpoint from;
    size_t n = sock.receive_from(asio::buffer(buf), from, 0, ec);
    if (ec) continue;
    auto p = gateway::zk::DecodePacket(std::string_view(buf.data(), n));
    if (!p.ok()) {
      std::fprintf(stderr, "termsim zk/udp: %s\n", p.status().ToString().c_str());
      continue;
    }
    auto& s = sessions[from];
    if (!s || p->cmd == gateway::zk::kCmdConnect) {
      s = std::make_unique<ZkSession>(device, next_session++, /*datagram=*/true);
    }
    bool close = false;
    for (const std::string& frame : s->Handle(*p, &close)) {
      sock.send_to(asio::buffer(frame.data() + gateway::zk::kTcpTopSize,
                                frame.size() - gateway::zk::kTcpTopSize),
                   from, 0, ec);
      if (gap_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(gap_ms));
    }
    if (close) sessions.erase(from);
  }
}

}  // namespace

Status RunZkServer(ZkDevice& device, const ZkServerOptions& o) {
  asio::io_context io;
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(o.host, ec);
  if (ec) return Status::Invalid("bad listen address '" + o.host + "': " + ec.message());
  tcp::acceptor acceptor(io);
  tcp::endpoint ep(addr, o.port);
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Unavailable("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " +
                               ec.message());
  }
  uint16_t port = acceptor.local_endpoint().port();
  asio::ip::udp::socket udp(io);
  udp.open(addr.is_v4() ? asio::ip::udp::v4() : asio::ip::udp::v6(), ec);
  if (!ec) udp.bind({addr, port}, ec);
  if (ec) {
    std::fprintf(stderr, "termsim zk: no UDP on port %u (%s); TCP only\n", port,
                 ec.message().c_str());
  } else {
    std::thread(ServeUdp, std::ref(device), std::move(udp), o.frame_gap_ms).detach();
  }
  std::printf("listening on %s:%u\n", o.host.c_str(), static_cast<unsigned>(port));
  std::fflush(stdout);
  uint16_t next_session = 0x4A01;
  while (true) {
    tcp::socket sock(io);
    acceptor.accept(sock, ec);
    if (ec) {
      std::fprintf(stderr, "termsim zk: accept failed: %s\n", ec.message().c_str());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    uint16_t id = next_session++;
    if (next_session == 0) next_session = 1;
    std::thread(Serve, std::ref(device), std::move(sock), id, o.frame_gap_ms).detach();
  }
}

}  // namespace titip::tools
