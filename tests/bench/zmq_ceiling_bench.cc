// ZeroMQ ceiling for the custody mesh benchmark (tests/bench/run_mesh_bench.sh, BENCHMARKS.md
// "Custody mesh"): how fast raw ZeroMQ moves the same punches over loopback TCP with nothing
// else in the way — no LMDB, no protobuf, no custody marks, no receipts.
//
// A DEALER (sender thread) connects to a ROUTER (receiver thread) on 127.0.0.1, each in its own
// context with one I/O thread, with the socket options the daemons use (linger 0, immediate on
// the DEALER, router_mandatory on the ROUTER, hwm 1000). The sender keeps at most --window
// messages unacknowledged; the receiver drains whatever has arrived and answers with one
// cumulative ack (the highest sequence seen, 8 bytes). A message carries --batch punches of
// --size bytes each (batch 1 = one ~90-byte punch per message; batch 1000 = one 90 kB message
// per 1,000 punches, like a bundle). The clock stops when the last message is acked.
//
// Usage: zmq_ceiling_bench [--punches N] [--size B] [--batch K] [--window W] [--runs R]
// Prints one line per run: `RESULT batch=K window=W punches=N messages=M seconds=S
// punches_per_s=P msgs_per_s=Q`, then a median line when R > 1.
#include <utility>  // before zmq headers (g++ 12 + C++20)

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "clock_bench.h"

namespace titip::bench {
namespace {

struct Options {
  uint64_t punches = 100000;
  size_t size = 90;
  uint64_t batch = 1;
  uint64_t window = 1000;
  int runs = 1;
};

uint64_t Load64(const void* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

void Receiver(zmq::socket_t& router, uint64_t messages) {
  uint64_t highest = 0;
  while (highest < messages) {
    zmq::message_t id, body;
    // Block for the first message, then drain what is already there: one ack per drain.
    auto flags = zmq::recv_flags::none;
    bool got = false;
    for (;;) {
      zmq::message_t next;  // a failed non-blocking recv must not clobber the last id
      if (!router.recv(next, flags)) break;
      id = std::move(next);
      (void)router.recv(body, zmq::recv_flags::none);
      highest = std::max(highest, Load64(body.data()));
      got = true;
      flags = zmq::recv_flags::dontwait;
    }
    if (!got) continue;
    router.send(id, zmq::send_flags::sndmore);
    router.send(zmq::buffer(&highest, sizeof highest), zmq::send_flags::none);
  }
}

double RunOnce(const Options& o, uint64_t messages) {
  zmq::context_t rctx(1), sctx(1);
  zmq::socket_t router(rctx, zmq::socket_type::router);
  router.set(zmq::sockopt::linger, 0);
  router.set(zmq::sockopt::router_mandatory, 1);
  router.set(zmq::sockopt::sndhwm, 1000);
  router.set(zmq::sockopt::rcvhwm, 1000);
  router.bind("tcp://127.0.0.1:*");  // a free port chosen by the kernel
  const std::string endpoint = router.get(zmq::sockopt::last_endpoint);

  zmq::socket_t dealer(sctx, zmq::socket_type::dealer);
  dealer.set(zmq::sockopt::linger, 0);
  dealer.set(zmq::sockopt::immediate, 1);
  dealer.set(zmq::sockopt::sndhwm, 1000);
  dealer.set(zmq::sockopt::rcvhwm, 1000);
  dealer.connect(endpoint);

  // Handshake outside the timed part: with immediate=1 the first send waits for the peer.
  uint64_t zero = 0;
  dealer.send(zmq::buffer(&zero, sizeof zero), zmq::send_flags::none);
  {
    zmq::message_t id, body, ack;
    (void)router.recv(id);
    (void)router.recv(body);
    router.send(id, zmq::send_flags::sndmore);
    router.send(zmq::buffer(&zero, sizeof zero), zmq::send_flags::none);
    (void)dealer.recv(ack);
  }

  std::string payload(o.size * o.batch, 'p');
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + i % 26);
  std::thread rx([&] { Receiver(router, messages); });

  const double t0 = BenchSeconds();
  uint64_t sent = 0, acked = 0;
  while (acked < messages) {
    while (sent < messages && sent - acked < o.window) {
      ++sent;
      std::memcpy(payload.data(), &sent, sizeof sent);
      dealer.send(zmq::buffer(payload), zmq::send_flags::none);
    }
    zmq::message_t ack;
    (void)dealer.recv(ack);
    acked = std::max(acked, Load64(ack.data()));
  }
  const double secs = BenchSeconds() - t0;
  rx.join();
  return secs;
}

uint64_t ParseU(const char* s) { return std::strtoull(s, nullptr, 10); }

}  // namespace
}  // namespace titip::bench

int main(int argc, char** argv) {
  using namespace titip::bench;
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--punches") {
      o.punches = ParseU(argv[i + 1]);
    } else if (a == "--size") {
      o.size = ParseU(argv[i + 1]);
    } else if (a == "--batch") {
      o.batch = ParseU(argv[i + 1]);
    } else if (a == "--window") {
      o.window = ParseU(argv[i + 1]);
    } else if (a == "--runs") {
      o.runs = static_cast<int>(ParseU(argv[i + 1]));
    } else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 64;
    }
  }
  if (argc % 2 == 0 || o.punches == 0 || o.batch == 0 || o.window == 0 || o.size < 8 ||
      o.runs < 1) {
    std::fprintf(stderr,
                 "usage: zmq_ceiling_bench [--punches N] [--size B>=8] [--batch K] "
                 "[--window W] [--runs R]\n");
    return 64;
  }
  const uint64_t messages = (o.punches + o.batch - 1) / o.batch;
  std::vector<double> rates;
  for (int r = 0; r < o.runs; ++r) {
    double secs = RunOnce(o, messages);
    double pps = static_cast<double>(messages * o.batch) / secs;
    rates.push_back(pps);
    std::printf(
        "RESULT batch=%llu window=%llu size=%zu punches=%llu messages=%llu seconds=%.4f "
        "punches_per_s=%.0f msgs_per_s=%.0f\n",
        static_cast<unsigned long long>(o.batch), static_cast<unsigned long long>(o.window),
        o.size, static_cast<unsigned long long>(messages * o.batch),
        static_cast<unsigned long long>(messages), secs, pps,
        static_cast<double>(messages) / secs);
    std::fflush(stdout);
  }
  if (o.runs > 1) {
    std::sort(rates.begin(), rates.end());
    std::printf("MEDIAN punches_per_s=%.0f\n", rates[rates.size() / 2]);
  }
  return 0;
}
