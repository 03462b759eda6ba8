// `titipctl recap` through the sink's day index gives byte for byte what it gives through a
// full scan: a generated store (4 units, an unknown terminal, a night-shift unit, punches a
// second either side of midnight, late arrivals) is recapped per day, per unit and per month
// with the index, then the index is stripped (a store made before it, read-only: full scan)
// and everything is recapped again; a writable open then rebuilds the index.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "../storage/day_index_strip.h"
#include "schedule_test.h"
#include "titip/storage/store.h"

namespace titip::aggregator {
namespace {

namespace fs = std::filesystem;
using testing::At;

struct Unit {
  const char* id;
  const char* terminal;
  int people;
};
constexpr Unit kUnits[] = {
    {"setda", "T-SETDA", 12}, {"rsud", "T-RSUD", 10}, {"kec-kumpeh", "T-KUMPEH", 8}};
constexpr char kUnknownTerminal[] = "T-BARU";  // not in the roster; gateway unit "dinkes"

class RecapIndexTest : public ::testing::Test {
 protected:
  RecapIndexTest()
      : dir_(fs::temp_directory_path() / ("titip-recidx-" + std::to_string(getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "store");
    std::ofstream roster(dir_ / "roster.csv");
    int serial = 0;
    for (const Unit& u : kUnits) {
      for (int i = 1; i <= u.people; ++i) {
        char nip[32];
        std::snprintf(nip, sizeof nip, "19850315201001%d%03d", 1 + i % 2, ++serial);
        roster << u.id << "," << u.terminal << "," << i << "," << nip << ",Pegawai " << serial
               << "\n";
      }
    }
    roster << "setda,T-SETDA-2,500,19900101201503"
           << "2999,Pegawai Dua Mesin\n";
    std::ofstream(dir_ / "schedule.toml") << testing::kScheduleToml;
  }
  ~RecapIndexTest() override { fs::remove_all(dir_); }

  // Deterministic workload over 2026-04-01 .. 2026-04-20.
  void Generate() {
    ManualClock clock(WallTime((At("2026-04-01 06:00:00") - 7 * 3600) * 1000));
    storage::StoreOptions o;
    o.dir = (dir_ / "store").string();
    o.node_id = "bkpsdm";
    auto store = storage::Store::Open(o, clock);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    uint64_t seq = 0, rnd = 12345;
    auto next = [&](int mod) {
      rnd = rnd * 6364136223846793005ULL + 1442695040888963407ULL;
      return static_cast<int>((rnd >> 33) % static_cast<uint64_t>(mod));
    };
    for (int d = 0; d < 20; ++d) {
      const int64_t day = At("2026-04-01 00:00:00") + d * 86400;
      std::vector<wire::Punch> batch;
      auto add = [&](const std::string& terminal, const std::string& pin, int64_t t) {
        wire::Punch p;
        p.set_origin(terminal == "T-RSUD" ? "gw-rsud" : "gw-kantor");
        p.set_epoch(7);
        p.set_seq(++seq);
        p.set_terminal(terminal);
        p.set_pin(pin);
        p.set_device_time(t);
        p.set_utc_offset_min(420);
        p.set_unit(terminal == kUnknownTerminal ? "dinkes" : "x");
        batch.push_back(std::move(p));
      };
      for (const Unit& u : kUnits) {
        for (int i = 1; i <= u.people; ++i) {
          if (next(10) == 0) continue;  // absent
          std::string pin = std::to_string(i);
          if (std::string(u.id) == "rsud" && i % 3 == 0) {  // night shift across midnight
            add(u.terminal, pin, day + 21 * 3600 - 600 + next(1200));
            add(u.terminal, pin, day + 86400 - 1);
            add(u.terminal, pin, day + 86400 + 7 * 3600 + next(600));
            continue;
          }
          add(u.terminal, pin, day + 7 * 3600 + next(7200));
          if (next(4)) add(u.terminal, pin, day + 15 * 3600 + next(7200));
        }
        add(u.terminal, "999", day + 86400 - 1);  // unknown PIN, last second of the day
        add(u.terminal, "998", day);              // and the first
      }
      add("T-SETDA-2", "500", day + 7 * 3600 + 1800);
      add(kUnknownTerminal, "1", day + 8 * 3600);
      storage::WriteOp op;
      op.intake = true;
      op.apply = [&](storage::WriteTxn& t) {
        storage::IntakeOutcome out;
        return t.Accept(batch, storage::Role::kSink, &out);
      };
      ASSERT_TRUE((*store)->Write(std::move(op)).ok());
      // Most days arrive the same evening; every fourth day only after the 3-day deadline.
      clock.Advance(std::chrono::hours(d % 4 == 3 ? 24 * 4 : 24));
    }
    ASSERT_TRUE((*store)->HasDayIndex());
  }

  std::string Titipctl(const std::string& args) {
    std::string cmd = std::string(TITIPCTL_BIN) + " --state-dir " + (dir_ / "store").string() +
                      " " + args + " --roster " + (dir_ / "roster.csv").string() + " --schedule " +
                      (dir_ / "schedule.toml").string() + " 2>&1";
    std::string out;
    FILE* f = popen(cmd.c_str(), "r");
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
    int st = pclose(f);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << cmd << "\n" << out;
    return out;
  }

  std::vector<std::string> Queries() const {
    std::vector<std::string> q;
    for (const char* date : {"2026-04-01", "2026-04-02", "2026-04-10", "2026-04-21"}) {
      for (const char* unit : {"", "setda", "rsud", "kec-kumpeh", "dinkes"}) {
        q.push_back(std::string("recap --json --date ") + date +
                    (*unit ? std::string(" --unit ") + unit : ""));
      }
    }
    q.push_back("recap --csv --month 2026-04");
    q.push_back("recap --json --month 2026-04 --unit rsud");
    return q;
  }

  fs::path dir_;
};

TEST_F(RecapIndexTest, IndexAndFullScanGiveTheSameRecap) {
  Generate();
  std::vector<std::string> indexed;
  for (const auto& q : Queries()) indexed.push_back(Titipctl(q));
  // Sanity: the workload shows what the comparison must cover.
  const std::string& day2 = indexed[5];  // 2026-04-02, every unit
  EXPECT_NE(day2.find("\"flag\":\"unknown_pin\""), std::string::npos);
  EXPECT_NE(day2.find("\"flag\":\"unknown_terminal\""), std::string::npos);
  EXPECT_NE(day2.find("\"shift\":\"21:00-07:00\""), std::string::npos) << day2;
  EXPECT_NE(indexed[10].find("\"terlambat_kirim\":true"), std::string::npos);  // 2026-04-10
  EXPECT_NE(indexed[9].find("\"unit\":\"dinkes\""), std::string::npos);
  EXPECT_NE(indexed[6].find("Pegawai Dua Mesin"), std::string::npos);  // second setda terminal

  std::string why;
  ASSERT_TRUE(storage::testing::StripDayIndex((dir_ / "store").string(), &why)) << why;
  {
    storage::StoreOptions ro;
    ro.dir = (dir_ / "store").string();
    ro.read_only = true;
    ManualClock clock;
    auto store = storage::Store::Open(ro, clock);
    ASSERT_TRUE(store.ok());
    ASSERT_FALSE((*store)->HasDayIndex());  // titipctl now scans
  }
  auto queries = Queries();
  for (size_t i = 0; i < queries.size(); ++i) {
    EXPECT_EQ(Titipctl(queries[i]), indexed[i]) << queries[i];
  }
  {  // the aggregator's next (writable) open rebuilds it
    storage::StoreOptions rw;
    rw.dir = (dir_ / "store").string();
    rw.node_id = "bkpsdm";
    ManualClock clock;
    auto store = storage::Store::Open(rw, clock);
    ASSERT_TRUE(store.ok());
    EXPECT_TRUE((*store)->HasDayIndex());
  }
  EXPECT_EQ(Titipctl(queries[5]), indexed[5]);
}

}  // namespace
}  // namespace titip::aggregator
