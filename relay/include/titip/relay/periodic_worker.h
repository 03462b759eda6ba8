// The thread behind a daemon service that works now and then: every few seconds (deadline
// gauges, status board), as fast as it can with backoff (PostgreSQL export), or when woken
// (roster reload). One thread, a wait that Stop() and Wake() cut short, a join at the end:
// written once so that no service gets the stop/wake handshake subtly wrong.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace titip::relay {

class PeriodicWorker {
 public:
  using Delay = std::chrono::milliseconds;
  // A tick returning this waits for Wake() or Stop() only.
  static constexpr Delay kUntilWoken = Delay::max();

  PeriodicWorker() = default;
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;
  ~PeriodicWorker() { Join(); }  // stops and waits for the thread

  // Starts the thread: it waits `first`, then runs `tick` and waits what it returned, over
  // and over until Stop(). The waits are real time (a condition variable): they pace work,
  // they decide nothing, so the services' injected Clock stays the source of every `now`.
  // Call once, after everything `tick` touches is constructed.
  void Start(std::function<Delay()> tick, Delay first = Delay::zero());
  // The common case: `fn` every `interval`.
  void StartEvery(Delay interval, std::function<void()> fn, Delay first = Delay::zero()) {
    Start(
        [interval, fn = std::move(fn)] {
          fn();
          return interval;
        },
        first);
  }
  // The wait in progress (or the next one, when a tick is running) ends at once; several
  // wakes during one tick make one more tick. Thread-safe.
  void Wake();
  // Asks the thread to end: a wait in progress ends at once, a running tick finishes first.
  // Does not block (the daemon stops every service before waiting for any). Thread-safe.
  void Stop();
  // Stop() and wait for the thread. Idempotent; never call from the tick itself.
  void Join();

 private:
  void Run(std::function<Delay()> tick, Delay first);
  // Waits up to `d` or until woken; false when stopping.
  bool Wait(Delay d);

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  uint64_t wakes_ = 0, seen_wakes_ = 0;
  std::thread thread_;
};

}  // namespace titip::relay
