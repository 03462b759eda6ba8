// Roster reload on a running aggregator (issue 5): titipctl recap uses the roster in force at
// the daemon; an added PIN is flagged unknown until `titipctl reload` (or SIGHUP), named after
// it; a broken roster on reload is refused with FILE:LINE, counted (status file and /metrics),
// and the old one stays. A changed schedule takes effect on reload the same way.
#include <signal.h>

#include <fstream>

#include <gtest/gtest.h>

#include "daemon_harness.h"
#include "ops_prom_parser.h"
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

// Waits (10 s at most) until a strictly valid /metrics page shows the series at `want`. The
// daemon publishes its counters just after the status file titipctl reads: never at once.
bool MetricReaches(int port, const std::string& name,
                   const std::map<std::string, std::string>& labels, double want) {
  return WaitFor(
      [&] {
        PromParse p = ParseProm(ScrapeMetrics(port));
        return p.error.empty() && p.Get(name, labels) == want;
      },
      10000);
}

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
  // /metrics and the status board on: the board then publishes the deadline gauges too.
  const int metrics = FreeTcpPort();
  WriteFile(
      dir + "/agg.toml",
      "[node]\nid = \"bkpsdm\"\nstate_dir = \"" + state +
          "\"\nlisten = \"tcp://127.0.0.1:" + std::to_string(FreeTcpPort()) +
          "\"\n[aggregator]\nroster_file = \"" + roster + "\"\nschedule_file = \"" + dir +
          "/schedule.toml\"\n[metrics]\nlisten = " + "\"127.0.0.1:" + std::to_string(metrics) +
          "\"\n[web]\nlisten = \"127.0.0.1:" + std::to_string(FreeTcpPort()) + "\"\n");
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
  const std::map<std::string, std::string> ok{{"result", "ok"}}, failed{{"result", "failed"}};
  EXPECT_TRUE(MetricReaches(metrics, "titip_roster_entries", {}, 1)) << ScrapeMetrics(metrics);
  EXPECT_TRUE(MetricReaches(metrics, "titip_roster_reloads_total", ok, 0));
  EXPECT_TRUE(MetricReaches(metrics, "titip_roster_reloads_total", failed, 0));
  EXPECT_TRUE(WaitFor(
      [&] {
        return ParseProm(ScrapeMetrics(metrics))
            .Get("titip_unit_deadline_status", {{"unit", "setda"}})
            .has_value();
      },
      10000))
      << "the board publishes no deadline gauges: " << ScrapeMetrics(metrics);
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
  EXPECT_TRUE(MetricReaches(metrics, "titip_roster_reloads_total", ok, 1))
      << ScrapeMetrics(metrics);
  EXPECT_TRUE(MetricReaches(metrics, "titip_roster_entries", {}, 2));

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
  EXPECT_TRUE(MetricReaches(metrics, "titip_roster_reloads_total", failed, 2))
      << ScrapeMetrics(metrics);
  EXPECT_TRUE(MetricReaches(metrics, "titip_roster_reloads_total", ok, 1));
  EXPECT_TRUE(MetricReaches(metrics, "titip_roster_entries", {}, 2))
      << "a refused roster must not change the count";

  // The schedule reloads the same way: Budi came at 07:25, on time for 07:30, 25 min late for
  // 07:00 once the new schedule is in force (and not before).
  EXPECT_EQ(RowOf(state, "1")["telat_menit"], 0);
  std::string early = kSchedule;
  const std::string monday = "mon = \"07:30";
  early.replace(early.find(monday), monday.size(), "mon = \"07:00");
  WriteFile(dir + "/schedule.toml", early);
  WriteFile(roster,
            "unit_id,terminal_serial,pin,nip,name\nsetda,T-SETDA,1,198503152010011002,Budi\n"
            "setda,T-SETDA,77,199001012015032001,Ahmad\n");  // the broken row mended
  EXPECT_EQ(RowOf(state, "1")["telat_menit"], 0) << "the new schedule in force before a reload";
  agg.Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return Status(state).value("reloads_ok", 0) == 2; }, 10000))
      << ReadFile(dir + "/agg.log");
  EXPECT_EQ(RowOf(state, "1")["telat_menit"], 25);
  EXPECT_EQ(RowOf(state, "77")["name"], "Ahmad");
  EXPECT_TRUE(MetricReaches(metrics, "titip_roster_reloads_total", ok, 2));

  agg.Signal(SIGTERM);
  EXPECT_EQ(agg.Wait(20000), 0);
  // Daemon stopped: reload finds nobody to signal (69).
  EXPECT_EQ(testing::Run({BinPath("titipctl"), "--state-dir", state, "reload"}).exit_code, 69);
  RemoveTree(dir);
}

}  // namespace
}  // namespace titip::testing
