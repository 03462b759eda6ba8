// Runs the zk fuzz target on deterministic random and mutated-valid inputs, so the target is
// exercised in every (gcc) build; with clang, build zk_fuzz for real coverage-guided fuzzing.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "titip/gateway/zk_proto.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace zk = titip::gateway::zk;

std::string ValidSession() {
  std::vector<std::string> recs;
  for (int i = 0; i < 30; ++i) {
    recs.push_back(zk::EncodeRecord40({1, std::to_string(1000 + i), 847'000'000 + i, 1, 0, 0}));
  }
  std::string ds = zk::EncodeDataset(recs);
  return zk::EncodeTcp(zk::kAckOk, 1, 1, zk::BufferAck(static_cast<uint32_t>(ds.size()))) +
         zk::EncodeTcp(zk::kCmdPrepareData, 1, 2, zk::ReadBufferRequest(512, 0)) +
         zk::EncodeTcp(zk::kCmdData, 1, 2, ds.substr(0, 512)) +
         zk::EncodeTcp(zk::kAckOk, 1, 2, {}) +
         zk::EncodeTcp(zk::kCmdPrepareData, 1, 3,
                       zk::ReadBufferRequest(static_cast<uint32_t>(ds.size() - 512), 0)) +
         zk::EncodeTcp(zk::kCmdData, 1, 3, ds.substr(512)) + zk::EncodeTcp(zk::kAckOk, 1, 3, {}) +
         zk::EncodeTcp(zk::kAckOk, 1, 4, {});
}

TEST(ZkFuzzSmoke, RandomAndMutatedInputsDoNotCrash) {
  std::mt19937_64 rng(20261130);
  std::string valid = ValidSession();
  // The unmutated session first: the whole buffered-read path runs at least once.
  ASSERT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(valid.data()), valid.size()),
            0);
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    if (i % 2) {
      s.resize(rng() % 600);
      for (auto& c : s) c = static_cast<char>(rng());
    } else {
      s = valid;
      for (int m = 0; m < 1 + static_cast<int>(rng() % 8); ++m) {
        size_t at = rng() % s.size();
        switch (rng() % 3) {
          case 0:
            s[at] = static_cast<char>(rng());
            break;
          case 1:
            s.erase(at, 1 + rng() % 16);
            break;
          default:
            s.insert(at, std::string(1 + rng() % 16, static_cast<char>(rng())));
            break;
        }
        if (s.empty()) break;
      }
    }
    ASSERT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size()), 0);
  }
}

}  // namespace
