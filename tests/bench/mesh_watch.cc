// mesh_watch: the end detection of run_mesh_bench.sh's end-to-end part, at millisecond
// resolution. Polling `titipctl queue --json` costs a process start (~20-50 ms here) per poll,
// which is a large error on a transfer of ~1-2 s; this opens both stores read-only once (the
// same short read transactions titipctl uses, safe beside the daemons) and polls every
// --poll-ms. Prints, as Unix seconds with millisecond digits, when
//   sink     the aggregator's store holds >= --punches punches (its commits are synced: the
//            comparable end to "the MQTT subscriber has every message"),
//   custody  the gateway holds >= --punches and its queue is empty (the relay holds every
//            punch durably),
//   done     the same with undelivered == 0 (every end-to-end receipt is home),
// one line each, in the order they happen, then exits 0; exits 1 on --timeout-s. With
// --trace-ms T it also writes a timeline to stderr every T ms: seconds since its start, the
// aggregator's punches, the gateway's queued and undelivered.
// Not run by ctest.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "titip/common/clock.h"
#include "titip/storage/store.h"

namespace {

std::unique_ptr<titip::storage::Store> OpenRo(const std::string& dir) {
  titip::storage::StoreOptions o;
  o.dir = dir;
  o.read_only = true;
  auto s = titip::storage::Store::Open(o, titip::SystemClock::Instance());
  if (!s.ok()) {
    std::fprintf(stderr, "mesh_watch: %s: %s\n", dir.c_str(), s.status().ToString().c_str());
    return nullptr;
  }
  return std::move(s).value();
}

void Print(const char* what, const titip::Clock& clock) {
  long long ms = clock.Wall().count();
  std::printf("%s %lld.%03lld\n", what, ms / 1000, ms % 1000);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::string gw, agg;
  uint64_t punches = 0;
  int poll_ms = 2, timeout_s = 300, trace_ms = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--gateway")) gw = argv[i + 1];
    if (!std::strcmp(argv[i], "--aggregator")) agg = argv[i + 1];
    if (!std::strcmp(argv[i], "--punches")) punches = std::strtoull(argv[i + 1], nullptr, 10);
    if (!std::strcmp(argv[i], "--poll-ms")) poll_ms = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--timeout-s")) timeout_s = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--trace-ms")) trace_ms = std::atoi(argv[i + 1]);
  }
  if (gw.empty() || agg.empty() || punches == 0 || poll_ms < 1) {
    std::fprintf(stderr,
                 "usage: mesh_watch --gateway DIR --aggregator DIR --punches N [--poll-ms 2] "
                 "[--timeout-s 300] [--trace-ms T]\n");
    return 64;
  }
  auto g = OpenRo(gw), a = OpenRo(agg);
  if (!g || !a) return 66;
  const titip::Clock& clock = titip::SystemClock::Instance();
  const titip::MonoTime start = clock.Mono();
  const auto deadline = start + std::chrono::seconds(timeout_s);
  titip::MonoTime next_trace = start;
  bool sink = false, custody = false, done = false, holds_all = false;
  while (!(sink && custody && done)) {
    if (clock.Mono() > deadline) {
      std::fprintf(stderr, "mesh_watch: timed out (sink %d, custody %d, done %d)\n", sink, custody,
                   done);
      return 1;
    }
    const bool trace = trace_ms > 0 && clock.Mono() >= next_trace;
    if (!sink || trace) {
      auto c = a->GetCounters();
      if (c.ok() && !sink && c->punches >= punches) Print("sink", clock), sink = true;
      if (trace) {
        std::fprintf(stderr, "%.3f aggregator %llu", (clock.Mono() - start).count() / 1e9,
                     c.ok() ? static_cast<unsigned long long>(c->punches) : 0ull);
      }
    }
    if (!custody || !done || trace) {
      auto c = g->GetCounters();
      // Into a running gateway the punches arrive after we start: its empty queue means
      // nothing until it has held them all (records stay after delivery, so this latches).
      if (c.ok() && c->punches >= punches) holds_all = true;
      if (holds_all && !custody && c->queued == 0) Print("custody", clock), custody = true;
      if (holds_all && !done && c->undelivered == 0) Print("done", clock), done = true;
      if (trace) {
        std::fprintf(stderr, " gateway queued %llu undelivered %llu\n",
                     c.ok() ? static_cast<unsigned long long>(c->queued) : 0ull,
                     c.ok() ? static_cast<unsigned long long>(c->undelivered) : 0ull);
        next_trace += std::chrono::milliseconds(trace_ms);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms));
  }
  return 0;
}
