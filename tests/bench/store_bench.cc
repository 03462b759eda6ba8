// Store benchmark (STYLE §5): durable punches per second through the GroupCommitter fed by 8
// producer threads, against one commit per punch (the baseline) and raw 1000-punch batches (the
// ceiling), side by side in one run, each on a fresh store on a real disk. Prints a markdown
// table for BENCHMARKS.md. Usage: store_bench [--punches N] [--one-commit-punches M] [--runs R]
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <thread>
#include <vector>

#include "clock_bench.h"
#include "titip/storage/group_commit.h"
#include "titip/storage/store.h"

namespace titip::bench {
namespace {
using storage::GroupCommitter;
using storage::IntakeOutcome;
using storage::Store;
using storage::WriteOp;

constexpr int kProducers = 8;
constexpr int kWindowPerProducer = 1024;  // outstanding ops per producer thread
constexpr size_t kRawBatch = 1000;
constexpr int64_t kBaseCivil = 1'710'460'800;  // 2024-03-15 00:00:00

struct Args {
  size_t punches = 20000;
  size_t one_commit_punches = 2000;  // the baseline is slow; its rate does not depend on N
  int runs = 3;
};

struct RunResult {
  double seconds = 0;
  size_t punches = 0;
  uint64_t commits = 0;
  double rate() const { return seconds > 0 ? punches / seconds : 0; }
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "store_bench: %s\n", what.c_str());
  std::exit(1);
}

// A directory on a real disk: /tmp unless it is tmpfs (fsync would be free), else /var/tmp.
std::string PickTempBase() {
  struct statfs st {};
  constexpr long kTmpfsMagic = 0x01021994;
  if (statfs("/tmp", &st) == 0 && st.f_type != kTmpfsMagic) return "/tmp";
  return "/var/tmp";
}

// Filesystem type of the mount holding `path` (longest matching mount point in /proc/mounts).
std::string FsType(const std::string& path) {
  std::ifstream in("/proc/mounts");
  std::string dev, mnt, type, rest, best_type = "unknown";
  size_t best = 0;
  while (in >> dev >> mnt >> type && std::getline(in, rest)) {
    bool prefix = path.compare(0, mnt.size(), mnt) == 0 &&
                  (mnt == "/" || path.size() == mnt.size() || path[mnt.size()] == '/');
    if (prefix && mnt.size() >= best) best = mnt.size(), best_type = type + " (" + dev + ")";
  }
  return best_type;
}

class FreshStore {
 public:
  explicit FreshStore(const std::string& base) {
    std::string tmpl = base + "/titip-store-bench-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) Die("mkdtemp in " + base + ": " + strerror(errno));
    dir_ = tmpl;
    storage::StoreOptions o;
    o.dir = dir_ + "/store";
    o.node_id = "gw-bench";
    auto r = Store::Open(o, SystemClock::Instance());
    if (!r.ok()) Die(r.status().ToString());
    store_ = std::move(r).value();
  }
  ~FreshStore() {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Store& store() { return *store_; }

  void ExpectPunches(size_t n) {
    auto c = store_->GetCounters();
    if (!c.ok() || c->punches != n) Die("store holds a wrong number of punches");
  }

 private:
  std::string dir_;
  std::unique_ptr<Store> store_;
};

wire::Punch BenchPunch(int producer, size_t i) {
  wire::Punch p;
  p.set_terminal("BENCH" + std::to_string(producer));
  p.set_pin(std::to_string(1000 + i % 5000));
  p.set_device_time(kBaseCivil + static_cast<int64_t>(i));
  p.set_utc_offset_min(420);
  p.set_verify(1);
  p.set_received_at_ms(1'710'460'800'000 + static_cast<int64_t>(i));
  p.set_source(wire::SOURCE_ZK);
  return p;
}

// One intake op that owns its punches (they outlive the submitting scope).
WriteOp OwnedAppend(std::vector<wire::Punch> punches) {
  auto ps = std::make_shared<std::vector<wire::Punch>>(std::move(punches));
  auto out = std::make_shared<IntakeOutcome>();
  WriteOp op;
  op.intake = true;
  for (const auto& p : *ps) op.size_hint += p.ByteSizeLong();
  op.apply = [ps, out](storage::WriteTxn& t) { return t.AppendLocal(ps.get(), out.get()); };
  return op;
}

// (a) GroupCommitter, 8 producers, each with up to `window` ops outstanding.
RunResult RunGroup(const std::string& base, size_t n, int window_size) {
  using Window = std::counting_semaphore<kWindowPerProducer>;
  FreshStore fs(base);
  std::atomic<size_t> failed{0};
  std::vector<std::unique_ptr<Window>> windows;  // outlive the committer's last callback
  for (int t = 0; t < kProducers; ++t) {
    windows.push_back(std::make_unique<Window>(window_size));
  }
  GroupCommitter gc(fs.store(), SystemClock::Instance());
  std::vector<std::thread> producers;
  double t0 = BenchSeconds();
  for (int t = 0; t < kProducers; ++t) {
    producers.emplace_back([&, t] {
      Window& window = *windows[t];
      size_t mine = n / kProducers + (static_cast<size_t>(t) < n % kProducers ? 1 : 0);
      for (size_t i = 0; i < mine; ++i) {
        window.acquire();
        gc.Submit(OwnedAppend({BenchPunch(t, i)}), [&window, &failed](Status s) {
          if (!s.ok()) failed++;
          window.release();
        });
      }
      for (int k = 0; k < window_size; ++k) window.acquire();  // all of mine are durable
    });
  }
  for (auto& p : producers) p.join();
  double t1 = BenchSeconds();
  if (failed > 0) Die("group commit: ops failed");
  while (gc.stats().ops < n) std::this_thread::yield();  // stats trail the callbacks slightly
  fs.ExpectPunches(n);
  return {t1 - t0, n, gc.stats().commits};
}

// (b) Baseline: Store::Write with one punch, one commit (two fsyncs) per punch.
RunResult RunOneCommitPerPunch(const std::string& base, size_t n) {
  FreshStore fs(base);
  double t0 = BenchSeconds();
  for (size_t i = 0; i < n; ++i) {
    Status s = fs.store().Write(OwnedAppend({BenchPunch(0, i)}));
    if (!s.ok()) Die("one commit per punch: " + s.ToString());
  }
  double t1 = BenchSeconds();
  fs.ExpectPunches(n);
  return {t1 - t0, n, n};
}

// (c) Ceiling: AppendLocal of kRawBatch punches per Store::Write, sequentially.
RunResult RunRawBatched(const std::string& base, size_t n) {
  FreshStore fs(base);
  uint64_t commits = 0;
  double t0 = BenchSeconds();
  for (size_t i = 0; i < n; i += kRawBatch) {
    std::vector<wire::Punch> batch;
    for (size_t j = i; j < std::min(n, i + kRawBatch); ++j) batch.push_back(BenchPunch(0, j));
    Status s = fs.store().Write(OwnedAppend(std::move(batch)));
    if (!s.ok()) Die("raw batched: " + s.ToString());
    ++commits;
  }
  double t1 = BenchSeconds();
  fs.ExpectPunches(n);
  return {t1 - t0, n, commits};
}

RunResult Median(std::vector<RunResult> runs) {
  std::sort(runs.begin(), runs.end(),
            [](const RunResult& a, const RunResult& b) { return a.rate() < b.rate(); });
  return runs[runs.size() / 2];
}

std::string RunsText(const std::vector<RunResult>& runs) {
  std::string s;
  for (const auto& r : runs) {
    if (!s.empty()) s += ", ";
    s += std::to_string(static_cast<long long>(r.rate()));
  }
  return s;
}

void PrintRow(const char* mode, const std::vector<RunResult>& runs) {
  RunResult m = Median(runs);
  std::printf("| %s | %zu | %llu | %.1f | %.0f | %s |\n", mode, m.punches,
              static_cast<unsigned long long>(m.commits),
              static_cast<double>(m.punches) / std::max<uint64_t>(m.commits, 1), m.rate(),
              RunsText(runs).c_str());
}

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    if (i + 1 >= argc) Die("usage: store_bench [--punches N] [--one-commit-punches M] [--runs R]");
    long long v = std::atoll(argv[++i]);
    if (v <= 0) Die(k + " needs a positive number");
    if (k == "--punches") {
      a.punches = static_cast<size_t>(v);
    } else if (k == "--one-commit-punches") {
      a.one_commit_punches = static_cast<size_t>(v);
    } else if (k == "--runs") {
      a.runs = static_cast<int>(v);
    } else {
      Die("unknown option " + k);
    }
  }
  a.one_commit_punches = std::min(a.one_commit_punches, a.punches);
  return a;
}

int Main(int argc, char** argv) {
  Args args = ParseArgs(argc, argv);
  std::string base = PickTempBase();
  std::printf("store_bench: %zu punches (one-commit baseline: %zu), %d runs each, median shown\n",
              args.punches, args.one_commit_punches, args.runs);
  std::printf("temp dir: %s on %s; %u hardware threads\n\n", base.c_str(), FsType(base).c_str(),
              std::thread::hardware_concurrency());
  std::vector<RunResult> group, group_sync, one, raw;
  for (int r = 0; r < args.runs; ++r) {  // interleaved, so drift in the disk hits all of them
    group.push_back(RunGroup(base, args.punches, kWindowPerProducer));
    group_sync.push_back(RunGroup(base, args.one_commit_punches, 1));
    one.push_back(RunOneCommitPerPunch(base, args.one_commit_punches));
    raw.push_back(RunRawBatched(base, args.punches));
  }
  std::printf(
      "| mode | punches | commits | punches/commit | durable punches/s (median) | "
      "runs (punches/s) |\n|---|---:|---:|---:|---:|---|\n");
  PrintRow("group commit, 8 producers, 1 punch/op, 1024 outstanding each", group);
  PrintRow("group commit, 8 producers, 1 punch/op, 1 outstanding each", group_sync);
  PrintRow("one commit per punch (Store::Write)", one);
  PrintRow("raw batched, 1000 punches/Write", raw);
  double ratio = Median(group).rate() / std::max(Median(one).rate(), 1e-9);
  std::printf("\ngroup commit / one commit per punch: %.1fx\n", ratio);
  std::printf("group commit / raw batched ceiling: %.0f%%\n",
              100 * Median(group).rate() / std::max(Median(raw).rate(), 1e-9));
  return 0;
}

}  // namespace
}  // namespace titip::bench

int main(int argc, char** argv) { return titip::bench::Main(argc, argv); }
