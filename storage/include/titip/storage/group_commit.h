// Group commit (LevelDB's writers queue, STYLE §5): callers on any thread submit WriteOps; one
// writer thread drains the queue into a single LMDB transaction and, only after
// mdb_txn_commit returned, tells each caller the shared outcome. A batch closes when it
// reaches max_ops or max_bytes, or max_delay after its first op; when the queue runs dry the
// writer commits at once rather than waiting, so a lone punch is not delayed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "titip/storage/store.h"

namespace titip::storage {

struct GroupCommitOptions {
  size_t max_ops = 4096;
  size_t max_bytes = 8u << 20;
  std::chrono::milliseconds max_delay{10};
};

struct CommitStats {
  uint64_t commits = 0;
  uint64_t ops = 0;
  uint64_t failed_ops = 0;
};

class GroupCommitter {
 public:
  // `done` runs on the writer thread with the op's final Status; keep it short (hand off).
  using Done = std::function<void(Status)>;

  GroupCommitter(Store& store, const Clock& clock, GroupCommitOptions options = {});
  ~GroupCommitter();  // drains what was submitted, then stops
  void Submit(WriteOp op, Done done);
  CommitStats stats() const;

 private:
  struct Pending {
    WriteOp op;
    Done done;
  };
  void Run();

  Store& store_;
  const Clock& clock_;
  GroupCommitOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool stop_ = false;
  CommitStats stats_;
  std::thread thread_;
};

}  // namespace titip::storage
