// The writer thread of group commit. See group_commit.h for the batching rule.
#include "titip/storage/group_commit.h"

namespace titip::storage {

GroupCommitter::GroupCommitter(Store& store, const Clock& clock, GroupCommitOptions options)
    : store_(store), clock_(clock), options_(options), thread_([this] { Run(); }) {}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void GroupCommitter::Submit(WriteOp op, Done done) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(Pending{std::move(op), std::move(done)});
  }
  cv_.notify_one();
}

CommitStats GroupCommitter::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void GroupCommitter::Run() {
  std::vector<Pending> batch;
  std::vector<WriteOp*> ops;
  std::vector<Status> results;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stop_ and drained
      MonoTime start = clock_.Mono();
      size_t bytes = 0;
      // Take what is queued now, within bounds. No artificial wait for more: ops that arrive
      // while this batch commits form the next one.
      while (!queue_.empty() && batch.size() < options_.max_ops &&
             (batch.empty() || bytes + queue_.front().op.size_hint <= options_.max_bytes) &&
             clock_.Mono() - start < options_.max_delay) {
        bytes += queue_.front().op.size_hint;
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    ops.clear();
    for (auto& p : batch) ops.push_back(&p.op);
    Status commit = store_.WriteBatch(ops, &results);
    uint64_t failed = 0;
    for (size_t i = 0; i < batch.size(); ++i) {
      Status s = commit.ok() ? results[i] : commit;
      if (!s.ok()) ++failed;
      if (batch[i].done) batch[i].done(std::move(s));
    }
    {
      std::lock_guard lock(mu_);
      stats_.commits++;
      stats_.ops += batch.size();
      stats_.failed_ops += failed;
    }
    batch.clear();
  }
}

}  // namespace titip::storage
