// Crash test of the ack-after-commit promise (SPEC §3): a child process opens the store (never
// the parent before fork — LMDB must not cross fork), feeds a GroupCommitter from several
// threads and reports each op's seqs through a pipe once its done callback ran; the parent
// kill -9's it at a random moment and checks that every reported seq survived exactly once.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <future>
#include <random>
#include <set>
#include <thread>

#include "store_test_util.h"
#include "titip/storage/group_commit.h"

namespace titip::storage::testing {
namespace {

constexpr char kNode[] = "gw-crash";
constexpr int kThreads = 6;
constexpr int kOpsPerThread = 3000;  // bounds a child that is never killed

StoreOptions CrashOptions(const std::string& dir) {
  return Options(dir, kNode, 256 << 10, 1ull << 30);  // small start: growth happens mid-run
}

// Writes the stamped seqs of one committed op in a single write (≤ PIPE_BUF, so atomic).
void ReportSeqs(int fd, const std::vector<wire::Punch>& punches) {
  std::vector<uint64_t> seqs;
  for (const auto& p : punches) {
    if (p.seq() != 0) seqs.push_back(p.seq());
  }
  if (seqs.empty()) return;
  ssize_t n = write(fd, seqs.data(), seqs.size() * sizeof(uint64_t));
  if (n != static_cast<ssize_t>(seqs.size() * sizeof(uint64_t))) _exit(5);
}

std::vector<wire::Punch> CrashBatch(std::mt19937_64& rng, int round, int thread, int64_t* t) {
  std::vector<wire::Punch> b;
  size_t n = 1 + rng() % 50;
  std::string pin = "p" + std::to_string(thread);
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && rng() % 10 == 0) {
      b.push_back(b.front());                   // duplicate inside the op: must get no seq
    } else if (round > 0 && rng() % 20 == 0) {  // maybe stored before the last kill
      b.push_back(MakePunch("CR" + std::to_string(round - 1), pin, kBaseCivil + rng() % 8));
    } else {
      b.push_back(MakePunch("CR" + std::to_string(round), pin, kBaseCivil + (*t)++));
    }
  }
  return b;
}

void Producer(GroupCommitter& gc, int fd, int round, uint64_t seed, int thread) {
  std::mt19937_64 rng(seed * 131 + thread);
  int64_t t = 0;
  for (int op = 0; op < kOpsPerThread; ++op) {
    std::vector<wire::Punch> punches = CrashBatch(rng, round, thread, &t);
    IntakeOutcome out;
    std::promise<void> done;
    gc.Submit(AppendOp(&punches, &out), [&](Status s) {
      if (!s.ok()) _exit(4);
      ReportSeqs(fd, punches);
      done.set_value();
    });
    done.get_future().wait();
  }
}

[[noreturn]] void ChildMain(const std::string& dir, int fd, int round, uint64_t seed) {
  ManualClock clock;
  auto opened = Store::Open(CrashOptions(dir), clock);
  if (!opened.ok()) _exit(3);
  {
    GroupCommitter gc(*opened.value(), clock);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] { Producer(gc, fd, round, seed, i); });
    }
    for (auto& th : threads) th.join();
  }
  opened.value().reset();
  _exit(0);
}

void SleepMs(int ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1'000'000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

// Runs one child, kills it after `delay_ms` and returns the seqs it reported.
std::vector<uint64_t> RunAndKill(const std::string& dir, int round, uint64_t seed, int delay_ms) {
  int fds[2];
  if (pipe(fds) != 0) {
    ADD_FAILURE() << "pipe failed";
    return {};
  }
  fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);  // room for every report until the kill
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    ChildMain(dir, fds[1], round, seed);
  }
  close(fds[1]);
  SleepMs(delay_ms);
  kill(pid, SIGKILL);
  std::string bytes;
  char buf[65536];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) bytes.append(buf, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0))
      << "child failed on its own: exit " << WEXITSTATUS(status);
  EXPECT_EQ(bytes.size() % sizeof(uint64_t), 0u) << "torn report";
  std::vector<uint64_t> seqs(bytes.size() / sizeof(uint64_t));
  if (!seqs.empty()) memcpy(seqs.data(), bytes.data(), seqs.size() * sizeof(uint64_t));
  return seqs;
}

// Everything in the store after a kill; returns the highest seq present.
uint64_t CheckSurvivors(Store& store, const std::set<uint64_t>& reported) {
  std::set<uint64_t> seen;
  std::set<std::string> naturals;
  auto visit = [&](const wire::Punch& p, PunchState st) {
    EXPECT_EQ(p.origin(), kNode);
    EXPECT_EQ(p.epoch(), store.epoch());
    EXPECT_EQ(st, PunchState::kQueued);
    EXPECT_TRUE(seen.insert(p.seq()).second) << "seq twice: " << p.seq();
    EXPECT_TRUE(naturals.insert(NaturalKey(p)).second)
        << "natural key twice: " << p.ShortDebugString();
    return true;
  };
  EXPECT_TRUE(store.ForEachPunch(visit).ok());
  uint64_t max_seq = seen.empty() ? 0 : *seen.rbegin();
  EXPECT_EQ(seen.size(), max_seq) << "seqs are not dense 1..max";
  for (uint64_t seq : reported) {
    EXPECT_TRUE(seen.count(seq)) << "acknowledged seq " << seq << " lost";
    EXPECT_EQ(StateOf(store, PunchKey{kNode, store.epoch(), seq}), PunchState::kQueued) << seq;
  }
  Counters c = CountersOf(store);
  EXPECT_EQ(c.punches, seen.size());
  EXPECT_EQ(c.queued, seen.size());
  EXPECT_EQ(c.undelivered, max_seq);
  EXPECT_EQ(c.queued_bytes > 0, c.queued > 0);
  std::vector<QueuedPunch> q = AllQueued(store);
  EXPECT_EQ(q.size(), c.queued);
  for (size_t i = 0; i < q.size(); ++i) {
    if (i > 0) {
      EXPECT_LT(q[i - 1].qseq, q[i].qseq) << "queue not strictly increasing";
    }
    EXPECT_TRUE(seen.count(q[i].punch.seq()));
  }
  return max_seq;
}

TEST(StoreCrash, KillDuringGroupCommitKeepsEveryAcknowledgedPunch) {
  uint64_t seed = 20240315;
  SeedFromEnv(&seed);
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun: TITIP_SEED=" + std::to_string(seed) +
               ")");
  std::mt19937_64 rng(seed);
  TempDir tmp;
  const std::string dir = tmp.Sub("store");
  ManualClock clock;
  std::set<uint64_t> reported;
  uint64_t epoch = 0, max_seq = 0;
  for (int round = 0; round < 25 && !::testing::Test::HasFailure(); ++round) {
    int delay_ms = static_cast<int>(rng() % 301);
    SCOPED_TRACE("round " + std::to_string(round) + " kill after " + std::to_string(delay_ms) +
                 " ms");
    for (uint64_t seq : RunAndKill(dir, round, seed + round, delay_ms)) {
      EXPECT_TRUE(reported.insert(seq).second) << "seq " << seq << " acknowledged twice";
    }
    ASSERT_TRUE(Store::Verify(dir).ok());
    auto store = OpenOrFail(CrashOptions(dir), clock);  // closed again before the next fork
    ASSERT_NE(store, nullptr);
    if (epoch == 0 && !reported.empty()) epoch = store->epoch();
    if (epoch != 0) {
      EXPECT_EQ(store->epoch(), epoch) << "a crash must not make a new epoch";
    }
    uint64_t now_max = CheckSurvivors(*store, reported);
    EXPECT_GE(now_max, max_seq) << "seqs went backwards";
    max_seq = now_max;
  }
  EXPECT_GT(reported.size(), 0u) << "no child ever acknowledged anything";
  std::printf("25 kills: %zu acknowledged punches, %llu stored\n", reported.size(),
              static_cast<unsigned long long>(max_seq));
  // The store keeps working: new punches continue above everything acknowledged.
  auto store = OpenOrFail(CrashOptions(dir), clock);
  ASSERT_NE(store, nullptr);
  std::vector<wire::Punch> more;
  for (int i = 0; i < 10; ++i) more.push_back(MakePunch("AFTER", "1", kBaseCivil + i));
  IntakeOutcome out;
  ASSERT_TRUE(store->Write(AppendOp(&more, &out)).ok());
  EXPECT_EQ(out.added, 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(more[i].seq(), max_seq + 1 + i);
  EXPECT_GT(more[0].seq(), reported.empty() ? 0 : *reported.rbegin());
  reported.insert(max_seq + 1);
  EXPECT_EQ(CheckSurvivors(*store, reported), max_seq + 10);
}

}  // namespace
}  // namespace titip::storage::testing
