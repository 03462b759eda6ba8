// A ManualClock seen through a wrapper that counts how often the intake paths ask whether the
// wall clock is synchronised: on a real box that is a system call (adjtimex), so a path that
// asks per record instead of per batch is slow at scale, and these tests catch it.
#pragma once

#include <atomic>

#include "titip/common/clock.h"

namespace titip::gateway::testing {

class CountingClock final : public Clock {
 public:
  explicit CountingClock(const Clock& inner) : inner_(inner) {}
  MonoTime Mono() const override { return inner_.Mono(); }
  WallTime Wall() const override { return inner_.Wall(); }
  bool WallSynced() const override {
    ++synced_reads_;
    return inner_.WallSynced();
  }
  int synced_reads() const { return synced_reads_.load(); }

 private:
  const Clock& inner_;
  mutable std::atomic<int> synced_reads_{0};
};

}  // namespace titip::gateway::testing
