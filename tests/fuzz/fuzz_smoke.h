// Shared by the gtest smoke drivers: runs a target's libFuzzer entry point on its seed corpus,
// on random bytes and on deterministic mutations of the seeds, so every (gcc) build exercises
// each target; clang builds get the real coverage-guided binaries (see CMakeLists.txt).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace titip::fuzz {

inline int RunOne(const std::string& s) {
  return LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// Every file in the target's committed corpus (seeds and regression inputs).
inline std::vector<std::string> ReadCorpus(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream f(e.path(), std::ios::binary);
    out.emplace_back(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }
  return out;
}

// Byte flips, deletions, insertions and splices of a seed: the kinds of damage a serial line,
// a half-written USB file or a hostile peer produce.
inline std::string Mutate(std::string s, const std::vector<std::string>& seeds,
                          std::mt19937_64& rng) {
  for (int m = 0; m < 1 + static_cast<int>(rng() % 8); ++m) {
    if (s.empty()) s.push_back(static_cast<char>(rng()));
    size_t at = rng() % s.size();
    switch (rng() % 5) {
      case 0:
        s[at] = static_cast<char>(rng());
        break;
      case 1:
        s.erase(at, 1 + rng() % 16);
        break;
      case 2:
        s.insert(at, std::string(1 + rng() % 16, static_cast<char>(rng())));
        break;
      case 3:
        s.insert(at, "\t\r\n<>=&%:,\"#[]"[rng() % 14], 1 + rng() % 3);
        break;
      default: {
        const std::string& o = seeds[rng() % seeds.size()];
        size_t from = o.empty() ? 0 : rng() % o.size();
        s.insert(at, o.substr(from, rng() % 64));
        break;
      }
    }
  }
  return s;
}

// The corpus unchanged, then `rounds` random and `rounds` mutated inputs; each must return 0.
inline void RunSmoke(const std::string& corpus_dir, int rounds, uint64_t seed) {
  std::vector<std::string> seeds = ReadCorpus(corpus_dir);
  ASSERT_FALSE(seeds.empty()) << corpus_dir;
  for (const auto& s : seeds) ASSERT_EQ(RunOne(s), 0);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < rounds; ++i) {
    std::string r(rng() % 600, '\0');
    for (auto& c : r) c = static_cast<char>(rng());
    ASSERT_EQ(RunOne(r), 0);
    ASSERT_EQ(RunOne(Mutate(seeds[rng() % seeds.size()], seeds, rng)), 0);
  }
}

}  // namespace titip::fuzz
