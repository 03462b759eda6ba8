// Seeded randomness for the simulator. Only mt19937_64's raw output (fixed by the standard) and
// our own integer arithmetic are used — never std:: distributions, whose results differ between
// standard libraries — so one seed means one run everywhere.
#pragma once

#include <cstdint>
#include <random>

namespace titip::sim {

class Rng {
 public:
  explicit Rng(uint64_t seed) : mt_(seed) {}
  uint64_t Next() { return mt_(); }
  // Uniform in [0, n), n > 0. The modulo bias is below n / 2^64: irrelevant for a simulation.
  uint64_t Below(uint64_t n) { return mt_() % n; }
  // Uniform in [lo, hi], lo <= hi.
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  bool PerMillion(uint64_t ppm) { return ppm > 0 && Below(1'000'000) < ppm; }

 private:
  std::mt19937_64 mt_;
};

// An independent stream of a seed (SplitMix64 finaliser), one per purpose, so that drawing
// more for one purpose (e.g. another frame lost) does not shift another (the fault plan).
inline uint64_t SubSeed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ull * (stream + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace titip::sim
