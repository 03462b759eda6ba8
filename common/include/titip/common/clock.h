// The only door to time. Everything that decides on time (backoff, timeouts, ages, deadlines)
// takes a Clock& or a `now` read from one, so tests can live through days of outage in
// milliseconds. Monotonic time drives ages and timers; wall time only labels records, because
// an office box may boot after a power cut with a wrong clock and no NTP.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace titip {

using MonoTime = std::chrono::nanoseconds;   // since an arbitrary origin; only differences matter
using WallTime = std::chrono::milliseconds;  // since the Unix epoch, UTC

class Clock {
 public:
  virtual ~Clock() = default;
  virtual MonoTime Mono() const = 0;
  virtual WallTime Wall() const = 0;
  // True when the wall clock is believed to be synchronised (NTP); recorded with each punch.
  virtual bool WallSynced() const = 0;
};

// The real clock: steady_clock and system_clock; synced state from adjtimex.
class SystemClock final : public Clock {
 public:
  MonoTime Mono() const override;
  WallTime Wall() const override;
  bool WallSynced() const override;
  static SystemClock& Instance();
};

// A clock tests move by hand. Thread-safe so a daemon thread may read it while a test advances.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(WallTime wall0 = WallTime(1'700'000'000'000)) : wall0_(wall0.count()) {}
  MonoTime Mono() const override { return MonoTime(mono_ns_.load()); }
  WallTime Wall() const override { return WallTime(wall0_ + mono_ns_.load() / 1'000'000); }
  bool WallSynced() const override { return synced_; }
  void Advance(std::chrono::nanoseconds d) { mono_ns_ += d.count(); }
  void SetSynced(bool s) { synced_ = s; }

 private:
  int64_t wall0_;
  std::atomic<int64_t> mono_ns_{0};
  bool synced_ = true;
};

}  // namespace titip
