// Recap benchmark (issue 5): `recap --date D` over a sink store of ~1 M punches (5,500 people in
// 41 units, 92 days, in and out each day), reading the punches through the day index against
// the full scan it replaced, side by side in one run on the same read-only store with a warm
// page cache, median of R runs each; for the whole district and for one unit. Prints a markdown
// table for BENCHMARKS.md. Usage: recap_bench [--days N] [--runs R] [--dir BASE]
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "clock_bench.h"
#include "titip/aggregator/recap.h"
#include "titip/storage/store.h"

namespace titip::bench {
namespace {

constexpr int kUnits = 41, kPerUnit = 134;    // 5,494 people
constexpr int64_t kFirstDay = 1'772'409'600;  // 2026-03-02 00:00 civil
constexpr int64_t kDay = 86400;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "recap_bench: %s\n", what.c_str());
  std::exit(1);
}

std::string UnitId(int u) { return "unit-" + std::to_string(u); }
std::string Terminal(int u) { return "TERM" + std::to_string(1000 + u); }

aggregator::Roster MakeRoster() {
  std::string csv;
  int n = 0;
  for (int u = 0; u < kUnits; ++u) {
    for (int i = 0; i < kPerUnit; ++i, ++n) {
      char nip[40];
      std::snprintf(nip, sizeof nip, "198503152010%02d%d%03d", 1 + n / 1000 % 12, 1 + n % 2,
                    n % 1000);
      csv += UnitId(u) + "," + Terminal(u) + "," + std::to_string(i + 1) + "," + nip + ",Pegawai " +
             std::to_string(n) + "\n";
    }
  }
  auto r = aggregator::ParseRoster(csv, "bench-roster");
  if (!r.ok()) Die(r.status().ToString());
  return std::move(r).value();
}

void Build(const std::string& dir, int days) {
  ManualClock clock(WallTime((kFirstDay - 7 * 3600 + 17 * 3600) * 1000));
  storage::StoreOptions o;
  o.dir = dir;
  o.node_id = "bkpsdm";
  o.sync = false;  // building the fixture only; the reads below are what is measured
  auto store = storage::Store::Open(o, clock);
  if (!store.ok()) Die(store.status().ToString());
  uint64_t seq = 0;
  unsigned rnd = 1;
  for (int d = 0; d < days; ++d) {
    std::vector<wire::Punch> batch;
    for (int u = 0; u < kUnits; ++u) {
      for (int i = 0; i < kPerUnit; ++i) {
        for (int64_t at : {7 * 3600 + 1200, 16 * 3600 + 300}) {
          wire::Punch p;
          p.set_origin("gw-" + std::to_string(u));
          p.set_epoch(1);
          p.set_seq(++seq);
          p.set_terminal(Terminal(u));
          p.set_pin(std::to_string(i + 1));
          rnd = rnd * 1103515245u + 12345u;
          p.set_device_time(kFirstDay + d * kDay + at + (rnd >> 16) % 2400);
          p.set_utc_offset_min(420);
          p.set_verify(1);
          p.set_unit(UnitId(u));
          batch.push_back(std::move(p));
        }
      }
    }
    storage::WriteOp op;
    op.intake = true;
    op.apply = [&](storage::WriteTxn& t) {
      storage::IntakeOutcome out;
      return t.Accept(batch, storage::Role::kSink, &out);
    };
    if (Status s = (*store)->Write(std::move(op)); !s.ok()) Die(s.ToString());
    clock.Advance(std::chrono::hours(24));
  }
}

using Punches = std::vector<aggregator::RecapPunch>;
aggregator::RecapPunch ToRecap(const wire::Punch& p) {
  return {p.terminal(), p.pin(), p.unit(), p.device_time(), p.stored_at_ms(), p.utc_offset_min()};
}

// What `titipctl recap --date` did before the index: one pass over every punch.
Punches ReadByScan(storage::Store& st, int64_t day, const std::string& terminal) {
  Punches out;
  Status s = st.ForEachPunch([&](const wire::Punch& p, storage::PunchState) {
    if (p.device_time() >= day - 2 * kDay && p.device_time() < day + 2 * kDay &&
        (terminal.empty() || p.terminal() == terminal)) {
      out.push_back(ToRecap(p));
    }
    return true;
  });
  if (!s.ok()) Die(s.ToString());
  return out;
}

Punches ReadByIndex(storage::Store& st, int64_t day, const std::string& terminal) {
  Punches out;
  storage::Store::TerminalFilter keep;
  if (!terminal.empty()) keep = [&](std::string_view t) { return t == terminal; };
  Status s = st.ForEachPunchOnDays(day - 2 * kDay, day + kDay, keep, [&](const wire::Punch& p) {
    out.push_back(ToRecap(p));
    return true;
  });
  if (!s.ok()) Die(s.ToString());
  return out;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace
}  // namespace titip::bench

int main(int argc, char** argv) {
  using namespace titip;
  using namespace titip::bench;
  int days = 92, runs = 3;
  std::string base = "/var/tmp";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--days")) days = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--dir")) base = argv[i + 1];
  }
  std::string dir = base + "/titip-recap-bench-" + std::to_string(getpid());
  double t0 = BenchSeconds();
  Build(dir, days);
  double built = BenchSeconds() - t0;
  std::string schedule_path = std::string(TITIP_EXAMPLES_DIR) + "/schedule.toml";
  auto schedule = aggregator::LoadSchedule(schedule_path);
  if (!schedule.ok()) Die(schedule.status().ToString());
  aggregator::Roster roster = MakeRoster();
  storage::StoreOptions o;
  o.dir = dir;
  o.read_only = true;
  ManualClock clock;
  auto store = storage::Store::Open(o, clock);
  if (!store.ok() || !(*store)->HasDayIndex()) Die("no day index");
  auto c = (*store)->GetCounters();
  std::printf("store: %llu records, %.0f MiB, built in %.0f s\n\n",
              static_cast<unsigned long long>(c->punches), c->map_used_bytes / 1048576.0, built);
  std::printf(
      "| recap --date (day %d of %d) | punches read | full scan: read / total (s) | index: read "
      "/ total (s) | total x |\n",
      days / 2, days);
  std::printf("|---|---:|---:|---:|---:|\n");
  const int64_t day = kFirstDay + (days / 2) * kDay;
  for (std::string unit : {std::string(), UnitId(7)}) {
    std::string terminal = unit.empty() ? "" : Terminal(7);
    std::vector<double> scan_read, scan, index_read, index;
    size_t rows = 0, read = 0;
    for (int r = 0; r < runs; ++r) {
      double a = BenchSeconds();
      Punches ps = ReadByScan(**store, day, terminal);
      double a2 = BenchSeconds();
      size_t rows_scan = aggregator::DailyRecap(day, unit, ps, roster, *schedule).size();
      double b = BenchSeconds();
      Punches pi = ReadByIndex(**store, day, terminal);
      double b2 = BenchSeconds();
      rows = aggregator::DailyRecap(day, unit, pi, roster, *schedule).size();
      double e = BenchSeconds();
      scan_read.push_back(a2 - a);
      scan.push_back(b - a);
      index_read.push_back(b2 - b);
      index.push_back(e - b);
      read = pi.size();
      if (ps.size() != pi.size() || rows_scan != rows) Die("index and scan disagree");
    }
    std::printf("| %s (%zu rows) | %zu | %.3f / %.3f | %.4f / %.3f | %.0f |\n",
                unit.empty() ? "all 41 units" : ("one unit, " + unit).c_str(), rows, read,
                Median(scan_read), Median(scan), Median(index_read), Median(index),
                Median(scan) / Median(index));
  }
  store->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
