// Runs the zk fuzz target on deterministic random and mutated-valid inputs, so the target is
// exercised in every (gcc) build; with clang, build zk_fuzz for real coverage-guided fuzzing.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "fuzz_smoke.h"
#include "titip/gateway/zk_proto.h"

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
  std::vector<std::string> seeds = {ValidSession()};
  // The unmutated session first: the whole buffered-read path runs at least once.
  ASSERT_EQ(titip::fuzz::RunOne(seeds[0]), 0);
  for (int i = 0; i < 1500; ++i) {
    std::string r(rng() % 600, '\0');
    for (auto& c : r) c = static_cast<char>(rng());
    ASSERT_EQ(titip::fuzz::RunOne(r), 0);
    ASSERT_EQ(titip::fuzz::RunOne(titip::fuzz::Mutate(seeds[0], seeds, rng)), 0);
  }
  titip::fuzz::RunSmoke(TITIP_FUZZ_CORPUS, 500, 20261206);  // the committed zk_fuzz corpus
}

}  // namespace
