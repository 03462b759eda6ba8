// Seals and quarantine in the store: a relay keeps seals durably, finds the ones covering the
// punches it sends (overlapping re-offer seals too) and drops them once the sink's receipt
// covers them; the sink keeps each quarantined copy once and counts repeats.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "titip/relay/origin_seal.h"
#include "titip/storage/store.h"

namespace titip::relay {
namespace {

wire::Punch P(uint64_t seq) {
  wire::Punch p;
  p.set_origin("kec-a");
  p.set_epoch(7);
  p.set_seq(seq);
  p.set_terminal("SN1");
  p.set_pin(std::to_string(seq));
  p.set_device_time(1'767'225'600 + static_cast<int64_t>(seq));
  return p;
}

class SealStore : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/titip-sealstore-XXXXXX";
    dir_ = mkdtemp(tmpl);
    storage::StoreOptions o;
    o.dir = dir_;
    o.node_id = "diskominfo";
    auto opened = storage::Store::Open(o, clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    auto key = NewSigningKey();
    ASSERT_TRUE(key.ok());
    key_ = *key;
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::vector<wire::Seal> Seal(uint64_t first, uint64_t last) {
    std::vector<wire::Punch> ps;
    for (uint64_t s = first; s <= last; ++s) ps.push_back(P(s));
    return MakeSeals(ps, "kec-a", key_);
  }
  Status Put(const std::vector<wire::Seal>& seals) {
    storage::WriteOp op;
    op.apply = [&](storage::WriteTxn& t) { return t.PutSeals(seals); };
    return store_->Write(std::move(op));
  }
  std::vector<std::pair<uint64_t, uint64_t>> Covering(const std::vector<uint64_t>& seqs) {
    std::vector<wire::Punch> ps;
    for (auto s : seqs) ps.push_back(P(s));
    auto seals = store_->SealsFor(ps);
    EXPECT_TRUE(seals.ok());
    std::vector<std::pair<uint64_t, uint64_t>> out;
    for (const auto& s : *seals) out.emplace_back(s.first_seq(), s.last_seq());
    return out;
  }
  ManualClock clock_;
  std::string dir_;
  std::unique_ptr<storage::Store> store_;
  SigningKey key_;
};

using Ranges = std::vector<std::pair<uint64_t, uint64_t>>;

TEST_F(SealStore, FindsCoveringSealsOnceEachAndPrunesOnReceipt) {
  ASSERT_TRUE(Put(Seal(1, 10)).ok());
  ASSERT_TRUE(Put(Seal(11, 20)).ok());
  ASSERT_TRUE(Put(Seal(5, 6)).ok());  // a re-offer sealed again, inside 1..10
  EXPECT_EQ(Covering({3, 4}), (Ranges{{1, 10}}));
  EXPECT_EQ(Covering({5}), (Ranges{{5, 6}}));
  EXPECT_EQ(Covering({9, 12, 13}), (Ranges{{1, 10}, {11, 20}}));
  EXPECT_TRUE(Covering({21}).empty());
  auto sealed = store_->SealsFor({P(2)});
  ASSERT_EQ(sealed->size(), 1u);
  std::vector<wire::Punch> ps;
  for (uint64_t s = 1; s <= 10; ++s) ps.push_back(P(s));
  for (auto v : VerifyPunches(ps, {sealed->begin(), sealed->end()},
                              OriginKeys{{{"kec-a", {key_.public_raw}}}})) {
    EXPECT_EQ(v, SealVerdict::kGenuine);  // what comes back out is what went in
  }
  wire::Receipt r;
  r.set_origin("kec-a");
  r.set_epoch(7);
  r.set_through_seq(10);
  storage::WriteOp op;
  op.apply = [&](storage::WriteTxn& t) { return t.ApplyReceipt(r); };
  ASSERT_TRUE(store_->Write(std::move(op)).ok());
  EXPECT_TRUE(Covering({3}).empty());  // 1..10 and 5..6 are done
  EXPECT_EQ(Covering({15}), (Ranges{{11, 20}}));
}

TEST_F(SealStore, QuarantineKeepsEachCopyOnceAndCountsRepeats) {
  storage::QuarantineEntry e;
  e.punch = P(3);
  e.reason = "digest_mismatch";
  e.via = "diskominfo";
  e.digest = PunchDigest(e.punch);
  storage::QuarantineEntry other = e;
  other.punch.set_status(1);
  other.digest = PunchDigest(other.punch);
  uint64_t added = 0;
  for (int i = 0; i < 3; ++i) {
    storage::WriteOp op;
    op.apply = [&](storage::WriteTxn& t) { return t.Quarantine({e, other}, &added); };
    ASSERT_TRUE(store_->Write(std::move(op)).ok());
    EXPECT_EQ(added, i == 0 ? 2u : 0u);
  }
  std::vector<wire::Quarantined> seen;
  ASSERT_TRUE(store_
                  ->ForEachQuarantined([&](const wire::Quarantined& q) {
                    seen.push_back(q);
                    return true;
                  })
                  .ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].times(), 3u);
  EXPECT_EQ(seen[0].reason(), "digest_mismatch");
  EXPECT_EQ(seen[0].via(), "diskominfo");
  EXPECT_EQ(seen[0].punch().seq(), 3u);
  // Nothing of it is a stored punch.
  int stored = 0;
  ASSERT_TRUE(store_
                  ->ForEachPunch([&](const wire::Punch&, storage::PunchState) {
                    ++stored;
                    return true;
                  })
                  .ok());
  EXPECT_EQ(stored, 0);
}

}  // namespace
}  // namespace titip::relay
