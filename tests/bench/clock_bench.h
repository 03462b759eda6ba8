// The benchmarks' one clock read. Tests never read a std::chrono clock (they use ManualClock);
// a benchmark must measure real elapsed time, and does it here and only here.
#pragma once

#include <chrono>

namespace titip::bench {

// Seconds on the monotonic clock since an arbitrary origin; only differences mean anything.
inline double BenchSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace titip::bench
