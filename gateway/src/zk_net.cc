// TCP and UDP links for the zk adapter: Boost.Asio async operations driven in short slices, so
// an unresponsive terminal costs at most io_timeout and a stopping daemon ~100 ms.
#include <utility>  // before Boost.Asio (Boost 1.74 + g++ 12 in C++20)

#include <boost/asio.hpp>

#include "titip/gateway/zk_pull.h"

namespace titip::gateway {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr std::chrono::milliseconds kSlice{100};

// Runs `io` until the pending operation sets `ec` or time runs out; on timeout or stop closes
// the socket, which completes the operation with operation_aborted.
template <typename Socket>
Status WaitFor(asio::io_context& io, Socket& sock, boost::system::error_code& ec,
               std::chrono::milliseconds timeout, const std::atomic<bool>* stop,
               const std::string& what) {
  std::chrono::milliseconds left = timeout;
  while (ec == asio::error::would_block) {
    if (left.count() <= 0 || (stop && stop->load())) {
      boost::system::error_code ignored;
      sock.close(ignored);
      io.restart();
      io.run();
      return Status::Unavailable(what + ": " + (left.count() <= 0 ? "timed out" : "stopping"));
    }
    io.restart();
    io.run_for(std::min(left, kSlice));
    left -= kSlice;
  }
  if (ec) return Status::Unavailable(what + ": " + ec.message());
  return Status::Ok();
}

Result<std::pair<std::string, std::string>> SplitHostPort(const std::string& address) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) return Status::Invalid("address '" + address + "' has no port");
  return std::make_pair(address.substr(0, colon), address.substr(colon + 1));
}

class TcpStream final : public ByteStream {
 public:
  TcpStream(std::chrono::milliseconds timeout, const std::atomic<bool>* stop)
      : sock_(io_), timeout_(timeout), stop_(stop) {}
  ~TcpStream() override {
    boost::system::error_code ec;
    sock_.close(ec);
  }

  Status Connect(const std::string& address) {
    auto hp = SplitHostPort(address);
    if (!hp.ok()) return hp.status();
    boost::system::error_code ec;
    tcp::resolver resolver(io_);
    auto eps = resolver.resolve(hp->first, hp->second, ec);
    if (ec) return Status::Unavailable("cannot resolve " + address + ": " + ec.message());
    ec = asio::error::would_block;
    asio::async_connect(sock_, eps,
                        [&](const boost::system::error_code& e, const tcp::endpoint&) { ec = e; });
    if (Status s = Wait(ec, "connect to " + address); !s.ok()) return s;
    sock_.set_option(tcp::no_delay(true), ec);
    return Status::Ok();
  }

  Status Write(std::string_view bytes) override {
    boost::system::error_code ec = asio::error::would_block;
    asio::async_write(sock_, asio::buffer(bytes.data(), bytes.size()),
                      [&](const boost::system::error_code& e, size_t) { ec = e; });
    return Wait(ec, "write");
  }

  Result<std::string> ReadSome() override {
    boost::system::error_code ec = asio::error::would_block;
    size_t n = 0;
    sock_.async_read_some(asio::buffer(buf_), [&](const boost::system::error_code& e, size_t k) {
      ec = e;
      n = k;
    });
    if (Status s = Wait(ec, "read"); !s.ok()) return s;
    return std::string(buf_.data(), n);
  }

 private:
  Status Wait(boost::system::error_code& ec, const std::string& what) {
    return WaitFor(io_, sock_, ec, timeout_, stop_, what);
  }

  asio::io_context io_;
  tcp::socket sock_;
  std::chrono::milliseconds timeout_;
  const std::atomic<bool>* stop_;
  std::array<char, 16384> buf_{};
};

// One datagram per packet; the socket is connected so only the terminal's replies arrive.
class UdpStream final : public ByteStream {
 public:
  UdpStream(std::chrono::milliseconds timeout, const std::atomic<bool>* stop)
      : sock_(io_), timeout_(timeout), stop_(stop) {}
  ~UdpStream() override {
    boost::system::error_code ec;
    sock_.close(ec);
  }
  bool datagram() const override { return true; }

  Status Connect(const std::string& address) {
    auto hp = SplitHostPort(address);
    if (!hp.ok()) return hp.status();
    boost::system::error_code ec;
    asio::ip::udp::resolver resolver(io_);
    auto eps = resolver.resolve(hp->first, hp->second, ec);
    if (ec || eps.empty())
      return Status::Unavailable("cannot resolve " + address + ": " + ec.message());
    sock_.connect(*eps.begin(), ec);
    if (ec) return Status::Unavailable("udp connect to " + address + ": " + ec.message());
    return Status::Ok();
  }
  Status Write(std::string_view bytes) override {
    boost::system::error_code ec = asio::error::would_block;
    sock_.async_send(asio::buffer(bytes.data(), bytes.size()),
                     [&](const boost::system::error_code& e, size_t) { ec = e; });
    return WaitFor(io_, sock_, ec, timeout_, stop_, "send");
  }
  Result<std::string> ReadSome() override {
    boost::system::error_code ec = asio::error::would_block;
    size_t n = 0;
    sock_.async_receive(asio::buffer(buf_), [&](const boost::system::error_code& e, size_t k) {
      ec = e;
      n = k;
    });
    if (Status s = WaitFor(io_, sock_, ec, timeout_, stop_, "receive"); !s.ok()) return s;
    return std::string(buf_.data(), n);
  }

 private:
  asio::io_context io_;
  asio::ip::udp::socket sock_;
  std::chrono::milliseconds timeout_;
  const std::atomic<bool>* stop_;
  std::array<char, 65536> buf_{};
};

}  // namespace

Result<std::unique_ptr<ByteStream>> ConnectZkUdp(const std::string& address,
                                                 std::chrono::milliseconds io_timeout,
                                                 const std::atomic<bool>* stop) {
  auto s = std::make_unique<UdpStream>(io_timeout, stop);
  if (Status st = s->Connect(address); !st.ok()) return st;
  return std::unique_ptr<ByteStream>(std::move(s));
}

Result<std::unique_ptr<ByteStream>> ConnectZkTcp(const std::string& address,
                                                 std::chrono::milliseconds io_timeout,
                                                 const std::atomic<bool>* stop) {
  auto s = std::make_unique<TcpStream>(io_timeout, stop);
  if (Status st = s->Connect(address); !st.ok()) return st;
  return std::unique_ptr<ByteStream>(std::move(s));
}

}  // namespace titip::gateway
