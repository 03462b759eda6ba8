// Roster reload on a running aggregator (issue 5): titipctl recap uses the roster in force at
// the daemon; an added PIN is flagged unknown until `titipctl reload` (or SIGHUP), named after
// it; a broken roster on reload is refused with FILE:LINE, counted, and the old one stays.
#include <signal.h>

#include <fstream>

#include <gtest/gtest.h>

#include "daemon_harness.h"
#include "titip/common/civil_time.h"
#include "titip/storage/store.h"

namespace titip::testing {
namespace {

constexpr char kSchedule[] = R"(default_profile = "normal"
[profile.normal]
mon = "07:30-16:00"
tue = "07:30-16:00"
wed = "07:30-16:00"
thu = "07:30-16:00"
fri = "07:30-16:30"
)";

nlohmann::json Status(const std::string& state) {
  std::ifstream f(state + "/in-force/status.json");
  auto j = nlohmann::json::parse(f, nullptr, false);
  return j.is_discarded() ? nlohmann::json::object() : j;
}

// The recap row of PIN `pin` on Monday 2026-04-06.
nlohmann::json RowOf(const std::string& state, const std::string& pin) {
  RunResult r = testing::Run({BinPath("titipctl"), "--state-dir", state, "recap", "--date",
                              "2026-04-06", "--unit", "setda", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    if (j["pin"] == pin) return j;
  }
  return nullptr;
}

TEST(AggregatorReload, RosterReloadedOnTitipctlReloadAndSighup) {
  std::string dir = MakeTempDir("reload");
  std::string state = dir + "/state", roster = dir + "/roster.csv";
  WriteFile(roster,
            "unit_id,terminal_serial,pin,nip,name\nsetda,T-SETDA,1,198503152010011002,Budi\n");
  WriteFile(dir + "/schedule.toml", kSchedule);
  {  // punches already at the sink: Budi and an unknown PIN 77
    storage::StoreOptions o;
    o.dir = state;
    o.node_id = "bkpsdm";
    ManualClock clock(WallTime(1'775'450'000'000));
    auto store = storage::Store::Open(o, clock);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::vector<wire::Punch> ps;
    for (auto [pin, hm] : {std::pair{"1", 7 * 3600 + 1500}, {"77", 7 * 3600 + 2000}}) {
      wire::Punch p;
      p.set_origin("gw-setda");
      p.set_epoch(1);
      p.set_seq(ps.size() + 1);
      p.set_terminal("T-SETDA");
      p.set_pin(pin);
      p.set_device_time(*ParseCivilDate("2026-04-06") + hm);
      p.set_utc_offset_min(420);
      p.set_unit("setda");
      ps.push_back(p);
    }
    storage::WriteOp op;
    op.apply = [&](storage::WriteTxn& t) {
      storage::IntakeOutcome out;
      return t.Accept(ps, storage::Role::kSink, &out);
    };
    ASSERT_TRUE((*store)->Write(std::move(op)).ok());
  }
  WriteFile(dir + "/agg.toml",
            "[node]\nid = \"bkpsdm\"\nstate_dir = \"" + state + "\"\nlisten = \"tcp://127.0.0.1:" +
                std::to_string(FreeTcpPort()) + "\"\n[aggregator]\nroster_file = \"" + roster +
                "\"\nschedule_file = \"" + dir + "/schedule.toml\"\n");
  Process agg = Process::Start({BinPath("titip-aggregator"), "--config", dir + "/agg.toml"},
                               dir + "/agg.log");
  ASSERT_TRUE(WaitFor(
      [&] {
        return Status(state).value("pid", -1) == agg.pid() &&
               ReadFile(state + "/runtime.json").find("\"pid\"") != std::string::npos;
      },
      20000))
      << ReadFile(dir + "/agg.log");

  EXPECT_EQ(RowOf(state, "77")["flag"], "unknown_pin");
  // Edited but not reloaded: the daemon's roster is still in force.
  std::ofstream(roster, std::ios::app) << "setda,T-SETDA,77,199001012015032001,Ahmad\n";
  EXPECT_EQ(RowOf(state, "77")["flag"], "unknown_pin");

  RunResult r = testing::Run({BinPath("titipctl"), "--state-dir", state, "reload"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("reloaded: roster 2 enrolments in 1 units"), std::string::npos) << r.out;
  nlohmann::json ahmad = RowOf(state, "77");
  EXPECT_EQ(ahmad["name"], "Ahmad");
  EXPECT_TRUE(ahmad["flag"].is_null()) << ahmad.dump();
  EXPECT_EQ(Status(state)["reloads_ok"], 1);

  // A broken row, by SIGHUP: refused with file and line, counted; Ahmad stays named.
  std::ofstream(roster, std::ios::app) << "setda,T-SETDA,78,12345,Rusak\n";
  agg.Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return Status(state).value("reloads_failed", 0) == 1; }, 10000))
      << ReadFile(dir + "/agg.log");
  EXPECT_NE(Status(state)["last_error"].get<std::string>().find(roster + ":4:"), std::string::npos)
      << Status(state).dump();
  EXPECT_NE(ReadFile(dir + "/agg.log").find("reload failed"), std::string::npos);
  EXPECT_EQ(RowOf(state, "77")["name"], "Ahmad");
  // The same through titipctl: exit 78 (config), the old roster still in force.
  EXPECT_EQ(testing::Run({BinPath("titipctl"), "--state-dir", state, "reload"}).exit_code, 78);
  EXPECT_EQ(Status(state)["reloads_failed"], 2);
  EXPECT_EQ(Status(state)["reloads_ok"], 1);
  EXPECT_EQ(RowOf(state, "77")["name"], "Ahmad");
  EXPECT_TRUE(agg.Running());

  agg.Signal(SIGTERM);
  EXPECT_EQ(agg.Wait(20000), 0);
  // Daemon stopped: titipctl reads the roster file itself (now broken: exit 78), and reload
  // finds nobody to signal (69).
  EXPECT_EQ(testing::Run({BinPath("titipctl"), "--state-dir", state, "reload"}).exit_code, 69);
  RemoveTree(dir);
}

}  // namespace
}  // namespace titip::testing
