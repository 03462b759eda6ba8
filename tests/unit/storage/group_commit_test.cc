// Group commit (STYLE §5): many threads submit, one writer commits batches, each done callback
// runs exactly once and only after the commit; a failed op keeps its own status; after a
// failed commit (file size limit → EFBIG) the store is sticky-failed and refuses every op.
#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "store_test_util.h"
#include "titip/storage/group_commit.h"

namespace titip::storage::testing {
namespace {

// Counts done callbacks so a test can wait for all of them without reading a clock.
class DoneCounter {
 public:
  void Add() {
    std::lock_guard l(mu_);
    ++n_;
    cv_.notify_all();
  }
  void WaitFor(int n) {
    std::unique_lock l(mu_);
    cv_.wait(l, [&] { return n_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int n_ = 0;
};

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrFail(Options(dir_.Sub("store"), "gw-gc"), clock_);
    ASSERT_NE(store_, nullptr);
  }
  std::vector<wire::Punch> Batch(int thread, size_t n) {
    std::vector<wire::Punch> b;
    for (size_t i = 0; i < n; ++i) {
      b.push_back(MakePunch("GC", std::to_string(thread), kBaseCivil + next_time_[thread]++));
    }
    return b;
  }
  TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<Store> store_;
  std::vector<int64_t> next_time_ = std::vector<int64_t>(64, 0);
};

TEST_F(GroupCommitTest, ManyThreadsEachDoneOnceOkAndBatched) {
  constexpr int kThreads = 8, kPerThread = 250, kTotal = kThreads * kPerThread;
  std::vector<std::vector<wire::Punch>> batches(kTotal);
  std::vector<IntakeOutcome> outs(kTotal);
  std::vector<Status> statuses(kTotal);
  std::vector<std::atomic<int>> calls(kTotal);
  for (int t = 0; t < kThreads; ++t) {
    for (int j = 0; j < kPerThread; ++j) batches[t * kPerThread + j] = Batch(t, 1 + j % 3);
  }
  DoneCounter done;
  CommitStats stats;
  {
    GroupCommitter gc(*store_, clock_);
    std::vector<std::thread> producers;
    for (int t = 0; t < kThreads; ++t) {
      producers.emplace_back([&, t] {
        for (int j = 0; j < kPerThread; ++j) {  // all outstanding at once, no waiting
          int i = t * kPerThread + j;
          gc.Submit(AppendOp(&batches[i], &outs[i]), [&, i](Status s) {
            statuses[i] = std::move(s);
            calls[i]++;
            done.Add();
          });
        }
      });
    }
    for (auto& p : producers) p.join();
    done.WaitFor(kTotal);
    // The writer counts a batch after its callbacks ran: wait for the last count, no clock.
    while (gc.stats().ops < static_cast<uint64_t>(kTotal)) std::this_thread::yield();
    stats = gc.stats();
  }
  EXPECT_EQ(stats.ops, static_cast<uint64_t>(kTotal));
  EXPECT_EQ(stats.failed_ops, 0u);
  EXPECT_LT(stats.commits, stats.ops) << "no batching happened";
  uint64_t punches = 0;
  std::set<uint64_t> seqs;
  for (int i = 0; i < kTotal; ++i) {
    EXPECT_EQ(calls[i].load(), 1) << "op " << i;
    EXPECT_TRUE(statuses[i].ok()) << statuses[i].ToString();
    EXPECT_EQ(outs[i].added, batches[i].size());
    for (const auto& p : batches[i]) EXPECT_TRUE(seqs.insert(p.seq()).second) << p.seq();
    punches += batches[i].size();
    // One producer's ops commit in the order it submitted them.
    if (i % kPerThread != 0) {
      EXPECT_LT(batches[i - 1].back().seq(), batches[i].front().seq()) << "op " << i;
    }
  }
  EXPECT_EQ(seqs.size(), punches);
  EXPECT_EQ(*seqs.rbegin(), punches) << "seqs not dense";
  EXPECT_EQ(CountersOf(*store_).punches, punches);
}

TEST_F(GroupCommitTest, DoneRunsOnlyAfterTheCommitIsVisible) {
  constexpr int kOps = 300;
  std::vector<std::vector<wire::Punch>> batches(kOps);
  std::vector<IntakeOutcome> outs(kOps);
  std::vector<std::optional<PunchState>> seen(kOps);
  {
    GroupCommitter gc(*store_, clock_);
    for (int i = 0; i < kOps; ++i) {
      batches[i] = Batch(0, 2);
      gc.Submit(AppendOp(&batches[i], &outs[i]), [&, i](Status s) {
        EXPECT_TRUE(s.ok()) << s.ToString();
        auto st = store_->GetState(KeyOf(batches[i].back()));  // a new read transaction
        if (st.ok()) seen[i] = st.value();
      });
    }
  }  // the destructor drains every submitted op before it returns
  for (int i = 0; i < kOps; ++i) EXPECT_EQ(seen[i], PunchState::kQueued) << "op " << i;
}

TEST_F(GroupCommitTest, AFailingOpKeepsItsOwnStatusAndLeavesNoTrace) {
  constexpr int kOps = 200;
  std::vector<std::vector<wire::Punch>> batches(kOps);
  std::vector<IntakeOutcome> outs(kOps);
  std::vector<Status> statuses(kOps);
  {
    GroupCommitter gc(*store_, clock_);
    for (int i = 0; i < kOps; ++i) {
      batches[i] = Batch(1, 3);
      WriteOp op = AppendOp(&batches[i], &outs[i]);
      if (i % 7 == 3) {  // writes, then fails: its nested transaction must be dropped
        op.apply = [b = &batches[i], o = &outs[i]](WriteTxn& t) {
          Status s = t.AppendLocal(b, o);
          return s.ok() ? Status::Invalid("op fails after writing") : s;
        };
      }
      gc.Submit(std::move(op), [&statuses, i](Status s) { statuses[i] = std::move(s); });
    }
  }
  std::set<int64_t> stored_times;
  for (const auto& sp : AllPunches(*store_)) stored_times.insert(sp.punch.device_time());
  uint64_t expected = 0;
  for (int i = 0; i < kOps; ++i) {
    bool fails = i % 7 == 3;
    EXPECT_EQ(statuses[i].code(), fails ? Code::kInvalidArgument : Code::kOk) << "op " << i;
    for (const auto& p : batches[i]) {
      EXPECT_EQ(stored_times.count(p.device_time()), fails ? 0u : 1u) << "op " << i;
    }
    if (!fails) expected += batches[i].size();
  }
  EXPECT_EQ(CountersOf(*store_).punches, expected);
  EXPECT_EQ(AllPunches(*store_).back().punch.seq(), expected) << "a failed op consumed seqs";
}

// Restores the file size limit and SIGXFSZ disposition on scope exit.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &old_);
    old_sig_ = signal(SIGXFSZ, SIG_IGN);  // a write past the limit then fails with EFBIG
    rlimit lim = old_;
    lim.rlim_cur = bytes;
    EXPECT_EQ(setrlimit(RLIMIT_FSIZE, &lim), 0);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &old_);
    signal(SIGXFSZ, old_sig_);
  }

 private:
  rlimit old_{};
  sighandler_t old_sig_;
};

TEST_F(GroupCommitTest, FailedCommitIsStickyAndRefusesEveryOp) {
  std::vector<wire::Punch> acked;
  Status failure;
  std::vector<Status> later(3);
  {
    // Room for a few dozen commits, then a write past the limit fails inside mdb_txn_commit.
    FileSizeLimit limit(std::filesystem::file_size(dir_.Sub("store") + "/data.mdb") + (64 << 10));
    {
      GroupCommitter gc(*store_, clock_);
      for (int i = 0; i < 20000 && failure.ok(); ++i) {
        std::vector<wire::Punch> b = Batch(2, 20);
        IntakeOutcome out;
        std::promise<Status> p;
        gc.Submit(AppendOp(&b, &out), [&p](Status s) { p.set_value(std::move(s)); });
        failure = p.get_future().get();
        if (failure.ok()) acked.insert(acked.end(), b.begin(), b.end());
      }
      ASSERT_FALSE(failure.ok()) << "the file size limit never made a commit fail";
      ASSERT_FALSE(acked.empty());
      // Sticky: every later op is refused, intake or not.
      std::vector<wire::Punch> b = Batch(2, 1);
      IntakeOutcome out;
      gc.Submit(AppendOp(&b, &out), [&later](Status s) { later[0] = std::move(s); });
      gc.Submit(CustodyOp({KeyOf(acked.front())}), [&later](Status s) { later[1] = s; });
      gc.Submit(ReceiptOp("gw-gc", store_->epoch(), 1), [&later](Status s) { later[2] = s; });
    }  // drained
    std::printf("commit failed after %zu acknowledged punches: %s\n", acked.size(),
                failure.ToString().c_str());
    EXPECT_EQ(failure.code(), Code::kIoError) << failure.ToString();
    EXPECT_EQ(store_->Health().code(), Code::kIoError);
    for (const Status& s : later) EXPECT_EQ(s.code(), Code::kIoError) << s.ToString();
    EXPECT_EQ(store_->Write(ReceiptOp("gw-gc", store_->epoch(), 1)).code(), Code::kIoError);
  }
  EXPECT_FALSE(store_->Health().ok()) << "health must stay failed until restart";
  // After a restart (limit lifted) everything acknowledged is there, and nothing else.
  store_.reset();
  store_ = OpenOrFail(Options(dir_.Sub("store"), "gw-gc"), clock_);
  ASSERT_NE(store_, nullptr);
  EXPECT_TRUE(store_->Health().ok());
  EXPECT_EQ(CountersOf(*store_).punches, acked.size());
  for (const auto& p : acked) EXPECT_EQ(StateOf(*store_, KeyOf(p)), PunchState::kQueued);
}

}  // namespace
}  // namespace titip::storage::testing
