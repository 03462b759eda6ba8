// Store full (SPEC §3: "no punch is ever dropped to make room"): with a tiny map cap the store
// grows its map up to the cap, then refuses intake with kStoreFull while keeping everything it
// acknowledged and still committing custody marks, receipts and pruning, which free space.
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <set>

#include "store_test_util.h"
#include "titip/storage/group_commit.h"

namespace titip::storage::testing {
namespace {

constexpr size_t kInitial = 64 << 10;
constexpr size_t kCap = 512 << 10;

class StoreFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrFail(Options(dir_.Sub("store"), "gw-full", kInitial, kCap), clock_);
    ASSERT_NE(store_, nullptr);
    EXPECT_EQ(CountersOf(*store_).map_size_bytes, kInitial);
  }

  std::vector<wire::Punch> Batch(size_t n) {
    std::vector<wire::Punch> b;
    for (size_t i = 0; i < n; ++i) b.push_back(MakePunch("FULL", "7", kBaseCivil + next_time_++));
    return b;
  }

  // Appends batches of `n` until one is refused; returns the refused batch.
  std::vector<wire::Punch> FillUntilRefused(size_t n) {
    for (int i = 0; i < 100000; ++i) {
      std::vector<wire::Punch> b = Batch(n);
      IntakeOutcome out;
      Counters before = CountersOf(*store_);
      Status s = store_->Write(AppendOp(&b, &out));
      sizes_seen_.insert(CountersOf(*store_).map_size_bytes);
      if (s.code() == Code::kStoreFull) {
        Counters after = CountersOf(*store_);
        EXPECT_EQ(after.punches, before.punches) << "the refused batch stored something";
        EXPECT_EQ(after.queued, before.queued);
        EXPECT_EQ(after.queued_bytes, before.queued_bytes);
        return b;
      }
      EXPECT_TRUE(s.ok()) << s.ToString();
      if (!s.ok()) break;
      EXPECT_EQ(out.added, n);
      for (const auto& p : b) acked_[p.seq()] = p;
    }
    ADD_FAILURE() << "the store never filled up";
    return {};
  }

  // Every acknowledged punch is present with its exact content.
  void ExpectAckedPresent() {
    std::map<uint64_t, std::string> present;
    for (const auto& sp : AllPunches(*store_)) {
      present[sp.punch.seq()] = sp.punch.SerializeAsString();
    }
    for (const auto& [seq, p] : acked_) {
      auto it = present.find(seq);
      ASSERT_NE(it, present.end()) << "acknowledged seq " << seq << " lost";
      EXPECT_EQ(it->second, p.SerializeAsString());
    }
  }

  std::vector<PunchKey> QueuedKeys(size_t max) {
    std::vector<PunchKey> keys;
    for (const auto& q : AllQueued(*store_)) {
      if (keys.size() < max) keys.push_back(KeyOf(q.punch));
    }
    return keys;
  }

  TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<Store> store_;
  int64_t next_time_ = 0;
  std::map<uint64_t, wire::Punch> acked_;
  std::set<uint64_t> sizes_seen_;
};

TEST_F(StoreFullTest, RefusesIntakeAtCapThenRecoversAfterPruning) {
  std::vector<wire::Punch> refused = FillUntilRefused(20);
  ASSERT_FALSE(refused.empty());
  Counters c = CountersOf(*store_);
  EXPECT_EQ(c.map_size_bytes, kCap) << "refused before the map reached its cap";
  EXPECT_GT(sizes_seen_.size(), 2u) << "the map did not grow step by step from its initial size";
  EXPECT_EQ(*sizes_seen_.rbegin(), kCap);
  ExpectAckedPresent();
  if (::testing::Test::HasFailure()) return;
  for (const auto& p : refused) {
    EXPECT_EQ(StateOf(*store_, KeyOf(p)), std::nullopt) << "refused punch stored: " << p.seq();
  }
  uint64_t last = acked_.rbegin()->first;
  EXPECT_EQ(c.punches, acked_.size());
  EXPECT_EQ(last, acked_.size());

  // At the cap: a custody mark of a bundle, then one receipt covering the whole backlog (the
  // sink was unreachable for days) and pruning must still commit, or a full store never drains.
  std::vector<PunchKey> keys = QueuedKeys(500);
  Status s = store_->Write(CustodyOp(keys));
  ASSERT_TRUE(s.ok()) << "custody mark refused at the cap: " << s.ToString();
  EXPECT_EQ(StateOf(*store_, keys.back()), PunchState::kInCustody);
  s = store_->Write(ReceiptOp("gw-full", store_->epoch(), last));
  ASSERT_TRUE(s.ok()) << "receipt refused at the cap: " << s.ToString();
  EXPECT_EQ(StateOf(*store_, PunchKey{"gw-full", store_->epoch(), last}), PunchState::kDelivered);
  uint64_t pruned = 0;
  s = store_->Write(PruneOp(SIZE_MAX, &pruned));
  ASSERT_TRUE(s.ok()) << "pruning refused at the cap: " << s.ToString();
  EXPECT_EQ(pruned, last);
  Counters freed = CountersOf(*store_);
  EXPECT_EQ(freed.queued, 0u);
  EXPECT_EQ(freed.undelivered, 0u);
  EXPECT_LE(freed.map_size_bytes, 2 * kCap) << "space-freeing ops overdrew the map too far";

  // Space freed: intake works again, seqs continue without a gap.
  std::vector<wire::Punch> again = Batch(20);
  IntakeOutcome out;
  s = store_->Write(AppendOp(&again, &out));
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(out.added, 20u);
  EXPECT_EQ(again.front().seq(), last + 1);
  for (const auto& p : again) acked_[p.seq()] = p;
  // Pruned punches are still recognised by natural key: a terminal re-send is a duplicate.
  std::vector<wire::Punch> resend{acked_.begin()->second};
  ASSERT_TRUE(store_->Write(AppendOp(&resend, &out)).ok());
  EXPECT_EQ(out.duplicates, 1u);
  // And intake stops again at the cap (live data, not map size), however far the map was
  // overdrawn for the freeing ops: the second fill takes no more than the first.
  size_t first_fill = last, before = acked_.size();
  ASSERT_FALSE(FillUntilRefused(20).empty());
  EXPECT_LE(acked_.size() - before, first_fill) << "intake used the freeing ops' overdraft";
  EXPECT_LE(CountersOf(*store_).map_size_bytes, 2 * kCap);
}

TEST_F(StoreFullTest, NonIntakeOpsCommitEvenWhenSinglePunchesAreRefused) {
  ASSERT_FALSE(FillUntilRefused(20).empty());
  ASSERT_FALSE(FillUntilRefused(1).empty());  // full to the last page a punch needs
  ExpectAckedPresent();
  std::vector<PunchKey> keys = QueuedKeys(1);
  ASSERT_EQ(keys.size(), 1u);
  Status s = store_->Write(CustodyOp(keys));
  EXPECT_TRUE(s.ok()) << "custody mark refused in a full store: " << s.ToString();
  s = store_->Write(ReceiptOp("gw-full", store_->epoch(), 1));
  EXPECT_TRUE(s.ok()) << "receipt refused in a full store: " << s.ToString();
  uint64_t pruned = 0;
  s = store_->Write(PruneOp(1, &pruned));
  EXPECT_TRUE(s.ok()) << "pruning refused in a full store: " << s.ToString();
  EXPECT_EQ(pruned, 1u);
}

// In one batch of the group committer, each intake op is refused on its own while the custody
// mark and receipt beside it commit.
TEST_F(StoreFullTest, GroupCommitterRefusesPerOp) {
  ASSERT_FALSE(FillUntilRefused(20).empty());
  uint64_t last = acked_.rbegin()->first;
  std::vector<wire::Punch> a = Batch(20), b = Batch(20);
  IntakeOutcome out_a, out_b;
  std::vector<PunchKey> keys = QueuedKeys(10);
  std::vector<std::promise<Status>> done(4);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  {
    GroupCommitter gc(*store_, clock_);
    // Holds the writer inside a batch of its own until all four ops are queued, so that
    // they form the next batch together.
    WriteOp blocker;
    blocker.apply = [released](WriteTxn&) {
      released.wait();
      return Status::Ok();
    };
    gc.Submit(std::move(blocker), nullptr);
    std::vector<WriteOp> ops;
    ops.push_back(AppendOp(&a, &out_a));
    ops.push_back(CustodyOp(keys));
    ops.push_back(AppendOp(&b, &out_b));
    ops.push_back(ReceiptOp("gw-full", store_->epoch(), 5));
    for (size_t i = 0; i < ops.size(); ++i) {
      gc.Submit(std::move(ops[i]), [&done, i](Status s) { done[i].set_value(std::move(s)); });
    }
    release.set_value();
  }  // the destructor drains the queue
  EXPECT_EQ(done[0].get_future().get().code(), Code::kStoreFull);
  EXPECT_TRUE(done[1].get_future().get().ok());
  EXPECT_EQ(done[2].get_future().get().code(), Code::kStoreFull);
  EXPECT_TRUE(done[3].get_future().get().ok());
  EXPECT_EQ(StateOf(*store_, keys.back()), PunchState::kInCustody);
  EXPECT_EQ(StateOf(*store_, PunchKey{"gw-full", store_->epoch(), last + 1}), std::nullopt);
  EXPECT_EQ(CountersOf(*store_).punches, acked_.size());
  ExpectAckedPresent();
}

// Filling through the group committer: every op is either acknowledged and stored whole, or
// refused with kStoreFull and stored not at all. Phase 1 fits; phase 2 runs into the cap.
TEST_F(StoreFullTest, GroupCommitterAcksOnlyWhatItStored) {
  constexpr int kFits = 40, kOps = 400;
  std::vector<std::vector<wire::Punch>> batches(kOps);
  std::vector<IntakeOutcome> outs(kOps);
  std::vector<Status> results(kOps);
  for (int phase = 0; phase < 2; ++phase) {
    GroupCommitter gc(*store_, clock_);
    for (int i = phase == 0 ? 0 : kFits; i < (phase == 0 ? kFits : kOps); ++i) {
      batches[i] = Batch(20);
      gc.Submit(AppendOp(&batches[i], &outs[i]), [&results, i](Status s) { results[i] = s; });
    }
  }
  std::set<std::string> stored;
  for (const auto& sp : AllPunches(*store_)) stored.insert(sp.punch.SerializeAsString());
  int ok = 0, full = 0;
  for (int i = 0; i < kOps; ++i) {
    ASSERT_TRUE(results[i].ok() || results[i].code() == Code::kStoreFull) << results[i].ToString();
    if (i < kFits) {
      EXPECT_TRUE(results[i].ok()) << "op " << i << " refused before the cap";
    }
    results[i].ok() ? ++ok : ++full;
    for (const auto& p : batches[i]) {
      EXPECT_EQ(stored.count(p.SerializeAsString()), results[i].ok() ? 1u : 0u) << "op " << i;
    }
  }
  EXPECT_GT(full, 0) << "never reached the cap";
  EXPECT_EQ(CountersOf(*store_).punches, static_cast<uint64_t>(ok) * 20);
}

}  // namespace
}  // namespace titip::storage::testing
