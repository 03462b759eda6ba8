// titipctl recap and deadline against an aggregator store built here: JSON fields asserted
// one by one, the CSV compared with a golden text, usage and config errors with their exit
// codes. Runs the real titipctl binary (read-only on the store, like an admin would).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include <gtest/gtest.h>

#include "schedule_test.h"
#include "titip/storage/store.h"

namespace titip::aggregator {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::At;

constexpr int64_t kWib = 7 * 3600;
WallTime Wib(const char* when) { return WallTime((At(when) - kWib) * 1000); }

constexpr char kRoster[] =
    "unit_id,terminal_serial,pin,nip,name\n"
    "setda,T-SETDA,1,198503152010011002,Budi\n"
    "setda,T-SETDA,2,199001012015032001,\"Siti, S.Kom\"\n"
    "rsud,T-RSUD,5,198807072012122001,Rina\n";

struct CmdRun {
  int exit_code = -1;
  std::string out, err;
  std::vector<json> Lines() const {
    std::vector<json> v;
    std::istringstream in(out);
    for (std::string l; std::getline(in, l);) v.push_back(json::parse(l));
    return v;
  }
};

class CliTest : public ::testing::Test {
 protected:
  CliTest() : dir_(fs::temp_directory_path() / ("titip-cli-" + std::to_string(getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "store");
    std::ofstream(dir_ / "roster.csv") << kRoster;
    std::ofstream(dir_ / "schedule.toml") << testing::kScheduleToml;
  }
  ~CliTest() override { fs::remove_all(dir_); }

  std::unique_ptr<storage::Store> Open(const Clock& clock) {
    storage::StoreOptions o;
    o.dir = (dir_ / "store").string();
    o.node_id = "bkpsdm";
    auto s = storage::Store::Open(o, clock);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return std::move(s).value();
  }
  // Stores punches at the sink as the engine would, at the clock's time.
  void Accept(storage::Store& store, const std::vector<std::pair<std::string, const char*>>& ps) {
    std::vector<wire::Punch> punches;
    for (const auto& [pin, when] : ps) {
      wire::Punch p;
      p.set_origin("gw-setda");
      p.set_epoch(42);
      p.set_seq(++seq_);
      p.set_terminal(pin == "5" ? "T-RSUD" : "T-SETDA");
      p.set_pin(pin);
      p.set_device_time(At(when));
      p.set_utc_offset_min(420);
      p.set_unit("setda");
      punches.push_back(std::move(p));
    }
    storage::WriteOp op;
    op.intake = true;
    op.apply = [&](storage::WriteTxn& t) {
      storage::IntakeOutcome out;
      return t.Accept(punches, storage::Role::kSink, &out);
    };
    ASSERT_TRUE(store.Write(std::move(op)).ok());
  }
  CmdRun Titipctl(const std::string& args) {
    std::string cmd = std::string(TITIPCTL_BIN) + " --state-dir " + (dir_ / "store").string() +
                      " " + args + " 2>" + (dir_ / "err").string();
    CmdRun r;
    FILE* f = popen(cmd.c_str(), "r");
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, f)) > 0;) r.out.append(buf, n);
    int st = pclose(f);
    r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    std::ifstream e(dir_ / "err");
    r.err.assign(std::istreambuf_iterator<char>(e), {});
    return r;
  }
  std::string Files() const {
    return " --roster " + (dir_ / "roster.csv").string() + " --schedule " +
           (dir_ / "schedule.toml").string();
  }
  // Monday 2026-04-06: Budi in time-ish, Siti leaves early and her out-punch arrives late.
  void StoreMonday() {
    ManualClock clock(Wib("2026-04-06 16:30:00"));
    auto store = Open(clock);
    Accept(*store, {{"1", "2026-04-06 07:31:00"},
                    {"1", "2026-04-06 16:00:00"},
                    {"2", "2026-04-06 07:20:00"},
                    {"77", "2026-04-06 07:40:00"}});
    clock.Advance(Wib("2026-04-09 00:00:00") - clock.Wall());  // the deadline itself: late
    Accept(*store, {{"2", "2026-04-06 15:29:00"}});
  }

  fs::path dir_;
  uint64_t seq_ = 0;
};

TEST_F(CliTest, DailyRecapJson) {
  StoreMonday();
  CmdRun r = Titipctl("recap --date 2026-04-06 --unit setda --json" + Files());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto rows = r.Lines();
  ASSERT_EQ(rows.size(), 3u) << r.out;
  const json& budi = rows[0];
  EXPECT_EQ(budi["date"], "2026-04-06");
  EXPECT_EQ(budi["unit"], "setda");
  EXPECT_EQ(budi["pin"], "1");
  EXPECT_EQ(budi["nip"], "198503152010011002");
  EXPECT_EQ(budi["name"], "Budi");
  EXPECT_EQ(budi["jam_masuk"], "07:31:00");
  EXPECT_EQ(budi["jam_pulang"], "16:00:00");
  EXPECT_EQ(budi["telat_menit"], 1);
  EXPECT_EQ(budi["kode_tl"], "TL1");
  EXPECT_EQ(budi["psw_menit"], 0);
  EXPECT_TRUE(budi["kode_psw"].is_null());
  EXPECT_EQ(budi["status"], "H");
  EXPECT_EQ(budi["jumlah_scan"], 2);
  EXPECT_EQ(budi["terlambat_kirim"], false);
  EXPECT_TRUE(budi["flag"].is_null());
  const json& siti = rows[1];
  EXPECT_EQ(siti["name"], "Siti, S.Kom");
  EXPECT_EQ(siti["kode_psw"], "PSW2");
  EXPECT_EQ(siti["psw_menit"], 31);
  EXPECT_EQ(siti["terlambat_kirim"], true);
  const json& unknown = rows[2];
  EXPECT_EQ(unknown["pin"], "77");
  EXPECT_EQ(unknown["flag"], "unknown_pin");
  EXPECT_TRUE(unknown["nip"].is_null());
}

TEST_F(CliTest, DailyRecapCsvGolden) {
  StoreMonday();
  CmdRun r = Titipctl("recap --date 2026-04-06 --unit setda --csv" + Files());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "date,unit,pin,nip,name,jam_masuk,jam_pulang,telat_menit,kode_tl,psw_menit,kode_psw,"
            "status,jumlah_scan,terlambat_kirim,terminal,flag,tanggal_pulang,shift\n"
            "2026-04-06,setda,1,198503152010011002,Budi,07:31:00,16:00:00,1,TL1,0,,H,2,false,"
            "T-SETDA,,2026-04-06,\n"
            "2026-04-06,setda,2,199001012015032001,\"Siti, S.Kom\",07:20:00,15:29:00,0,,31,PSW2,"
            "H,2,true,T-SETDA,,2026-04-06,\n"
            "2026-04-06,setda,77,,,07:40:00,,10,TL1,0,PSW4,H,1,false,T-SETDA,unknown_pin,,\n");
}

TEST_F(CliTest, MonthlySummaryJson) {
  StoreMonday();
  CmdRun r = Titipctl("recap --month 2026-04 --unit setda --json" + Files());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto rows = r.Lines();
  ASSERT_EQ(rows.size(), 3u) << r.out;
  EXPECT_EQ(rows[0]["name"], "Budi");
  EXPECT_EQ(rows[0]["month"], "2026-04");
  EXPECT_EQ(rows[0]["hari_kerja"], 22);
  EXPECT_EQ(rows[0]["hadir"], 1);
  EXPECT_EQ(rows[0]["tl1"], 1);
  EXPECT_EQ(rows[0]["tk"], 21);
  EXPECT_EQ(rows[1]["psw2"], 1);
  EXPECT_EQ(rows[1]["terlambat_kirim"], 1);
}

TEST_F(CliTest, UsageAndConfigErrors) {
  StoreMonday();
  EXPECT_EQ(Titipctl("recap --date 2026-04-06 --month 2026-04" + Files()).exit_code, 64);
  EXPECT_EQ(Titipctl("recap --date 2026-02-30" + Files()).exit_code, 64);
  CmdRun no_schedule = Titipctl("recap --date 2026-04-06");
  EXPECT_EQ(no_schedule.exit_code, 78);
  EXPECT_NE(no_schedule.err.find("schedule_file"), std::string::npos) << no_schedule.err;
  std::ofstream(dir_ / "roster.csv", std::ios::app) << "setda,T-SETDA,3,12345,Bad\n";
  CmdRun bad_roster = Titipctl("recap --date 2026-04-06" + Files());
  EXPECT_EQ(bad_roster.exit_code, 78);
  EXPECT_NE(bad_roster.err.find("roster.csv:5: nip '12345'"), std::string::npos) << bad_roster.err;
}

TEST_F(CliTest, DeadlineJson) {
  const Clock& real = SystemClock::Instance();
  const int64_t now_ms = real.Wall().count();
  {
    auto store = Open(real);
    wire::Telemetry t;
    t.set_node("gw-setda");
    t.set_unit("setda");
    t.set_complete_through(now_ms / 1000 + kWib);  // everything up to now
    storage::WriteOp op;
    op.intake = true;
    op.apply = [&](storage::WriteTxn& w) { return w.PutTelemetry(t, now_ms); };
    ASSERT_TRUE(store->Write(std::move(op)).ok());
  }
  CmdRun r = Titipctl("deadline --json --days 5 --roster " + (dir_ / "roster.csv").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto rows = r.Lines();
  ASSERT_EQ(rows.size(), 10u) << r.out;  // rsud (roster only) and setda, 5 days each
  EXPECT_EQ(rows[0]["unit"], "rsud");
  EXPECT_EQ(rows[0]["status"], "late");  // 4 days ago, no data at all
  EXPECT_EQ(rows[0]["reason"], "no data at all: no gateway of this unit has reported");
  EXPECT_EQ(rows[4]["status"], "pending");  // today
  for (int i = 5; i < 9; ++i) EXPECT_EQ(rows[i]["status"], "ok") << rows[i].dump();
  EXPECT_EQ(rows[5]["nodes"], json::array({"gw-setda"}));
  EXPECT_EQ(rows[9]["status"], "pending");  // today is not over
}

// The daemon checks its data files at start: a bad roster row stops it with exit 78 (config)
// and the file and line in the log, before it opens a socket.
TEST_F(CliTest, AggregatorRefusesABadRosterAtStart) {
  std::ofstream(dir_ / "roster.csv", std::ios::app) << "setda,T-SETDA,3,12345,Bad\n";
  std::ofstream(dir_ / "agg.toml")
      << "[node]\nid = \"bkpsdm\"\nstate_dir = \"" << (dir_ / "store").string()
      << "\"\nlisten = \"tcp://127.0.0.1:*\"\n[aggregator]\n"
      << "roster_file = \"" << (dir_ / "roster.csv").string() << "\"\n";
  std::string cmd = std::string(TITIP_AGGREGATOR_BIN) + " --config " +
                    (dir_ / "agg.toml").string() + " > " + (dir_ / "log").string() + " 2>&1";
  int st = std::system(cmd.c_str());
  EXPECT_EQ(WIFEXITED(st) ? WEXITSTATUS(st) : -1, 78);
  std::ifstream in(dir_ / "log");
  std::string log((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(log.find("roster.csv:5: nip '12345'"), std::string::npos) << log;
}

}  // namespace
}  // namespace titip::aggregator
