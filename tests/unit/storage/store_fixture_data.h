// The known contents of the committed store fixtures (tests/fixtures/store/). The generator
// (store_fixture_gen_test.cc) wrote them once with these values; store_corrupt_test.cc reads
// them back. Changing anything here means the fixtures no longer match: that is the point.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "store_test_util.h"

namespace titip::storage::testing {

// Copies fixture `name` (data.mdb only) into a fresh directory under `tmp`.
inline std::string CopyFixture(const TempDir& tmp, const std::string& name) {
  namespace fs = std::filesystem;
  const std::string src = std::string(TITIP_FIXTURES_DIR) + "/store/" + name + "/data.mdb";
  EXPECT_TRUE(fs::exists(src)) << src;
  EXPECT_FALSE(fs::exists(fs::path(src).parent_path() / "lock.mdb")) << "lock.mdb committed";
  const std::string dir = tmp.Sub(name);
  fs::create_directories(dir);
  fs::copy_file(src, dir + "/data.mdb");
  return dir;
}

inline constexpr char kFixtureNode[] = "gw-fixture";
// Epoch the v1_valid fixture was created with (random at creation; recorded here).
inline constexpr uint64_t kFixtureEpoch = 10596682987803875216ull;

// The five punches of v1_valid, in seq order, as AppendLocal stamped them.
inline std::vector<wire::Punch> FixturePunches(uint64_t epoch) {
  std::vector<wire::Punch> v;
  const struct {
    const char* pin;
    int64_t time;
    uint32_t verify, status;
  } rows[] = {{"1001", kBaseCivil + 7 * 3600 + 25 * 60, 1, 0},
              {"1002", kBaseCivil + 7 * 3600 + 31 * 60 + 5, 15, 0},
              {"1001", kBaseCivil + 16 * 3600 + 2 * 60, 1, 1},
              {"20031", kBaseCivil + 16 * 3600 + 10 * 60 + 59, 1, 1},
              {"1002", kBaseCivil + 86400 + 7 * 3600, 15, 0}};
  uint64_t seq = 1;
  for (const auto& r : rows) {
    wire::Punch p = MakePunch("A6F1190360012", r.pin, r.time, r.verify,
                              1'710'486'000'000 + static_cast<int64_t>(seq) * 1000);
    p.set_status(r.status);
    p.set_workcode(static_cast<uint32_t>(seq % 2));
    p.set_origin(kFixtureNode);
    p.set_epoch(epoch);
    p.set_seq(seq++);
    v.push_back(p);
  }
  return v;
}

// After the five appends the generator marked seq 2 in custody and applied a receipt
// through seq 1, so the states are: delivered, in custody, queued, queued, queued.
inline std::vector<PunchState> FixtureStates() {
  return {PunchState::kDelivered, PunchState::kInCustody, PunchState::kQueued, PunchState::kQueued,
          PunchState::kQueued};
}

}  // namespace titip::storage::testing
