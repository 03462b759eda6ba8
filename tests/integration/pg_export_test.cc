// The PostgreSQL export against a real PostgreSQL 15 server (initdb into a temp dir, loopback
// port): a gateway feeds a real aggregator, the server is killed mid-stream, punches keep
// arriving, the server comes back, and every punch the sink stored is in titip.punch exactly
// once, with daily recaps and the cursor at the sink's last sequence. Skipped only when the
// server binaries are not installed.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <pqxx/pqxx>
#include <set>
#include <tuple>

#include "daemon_harness.h"
#include "titip/common/clock.h"

namespace titip::testing {
namespace {

const std::string kPgBin = "/usr/lib/postgresql/15/bin";

// A throwaway PostgreSQL cluster. initdb refuses root, so as root it runs as `postgres` (or
// `nobody`) through runuser, in a directory that user owns.
class PgServer {
 public:
  static bool Available() {
    return access((kPgBin + "/initdb").c_str(), X_OK) == 0 &&
           access((kPgBin + "/pg_ctl").c_str(), X_OK) == 0;
  }
  explicit PgServer(const std::string& dir) : dir_(dir), port_(FreeTcpPort()) {
    if (geteuid() == 0) {
      const char* user = getpwnam("postgres") ? "postgres" : "nobody";
      const passwd* pw = getpwnam(user);
      std::filesystem::create_directories(dir_);
      EXPECT_EQ(chown(dir_.c_str(), pw->pw_uid, pw->pw_gid), 0);
      as_ = {"runuser", "-u", user, "--"};
    }
  }
  bool Init() {
    return Ctl({kPgBin + "/initdb", "-D", dir_ + "/data", "-A", "trust", "-U", "postgres", "-E",
                "UTF8", "--locale=C", "--no-sync"});
  }
  bool Start() {
    return Ctl({kPgBin + "/pg_ctl", "-D", dir_ + "/data", "-l", dir_ + "/server.log", "-w", "-t",
                "30", "-o",
                "-p " + std::to_string(port_) + " -k " + dir_ +
                    " -c listen_addresses=127.0.0.1 -c fsync=off",
                "start"});
  }
  // Immediate: no clean shutdown, open connections are cut (a crash, as far as clients see).
  bool Kill() { return Ctl({kPgBin + "/pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "stop"}); }
  std::string Dsn() const {
    return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=postgres";
  }
  int port() const { return port_; }

 private:
  bool Ctl(std::vector<std::string> argv) {
    argv.insert(argv.begin(), as_.begin(), as_.end());
    RunResult r = Run(argv);
    if (r.exit_code != 0) ADD_FAILURE() << argv[as_.size()] << " failed: " << r.out;
    return r.exit_code == 0;
  }
  std::string dir_;
  int port_;
  std::vector<std::string> as_;
};

// One SELECT returning a single integer; -1 when the server does not answer.
int64_t QueryInt(const std::string& dsn, const std::string& sql) {
  try {
    pqxx::connection c(dsn);
    pqxx::work w(c);
    return w.exec(sql)[0][0].as<int64_t>();
  } catch (const std::exception&) {
    return -1;
  }
}

// GET /metrics; the body, empty on failure.
std::string Scrape(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a = {};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    const std::string req = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    if (write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size())) {
      char buf[4096];
      for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) out.append(buf, n);
    }
  }
  close(fd);
  return out;
}

// The value of an unlabelled metric line "name value"; -1 when absent.
int64_t Metric(const std::string& page, const std::string& name) {
  size_t at = page.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stoll(page.substr(at + name.size() + 2));
}

class PgExport : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PgServer::Available()) {
      GTEST_SKIP() << "PostgreSQL server binaries not found in " << kPgBin
                   << " (apt-get install postgresql): the PostgreSQL export test cannot run";
    }
    dir_ = MakeTempDir("pgexp");
    chmod(dir_.c_str(), 0755);  // the server's user must reach its own directory inside
    pg_ = std::make_unique<PgServer>(dir_ + "/pg");
    ASSERT_TRUE(pg_->Init());
    ASSERT_TRUE(pg_->Start());
    const int port = FreeTcpPort();
    metrics_port_ = FreeTcpPort();
    WriteFile(dir_ + "/agg.toml",
              "[node]\nid = \"bkpsdm\"\nstate_dir = \"" + dir_ +
                  "/agg\"\nlisten = \"tcp://127.0.0.1:" + std::to_string(port) +
                  "\"\n[metrics]\nlisten = \"127.0.0.1:" + std::to_string(metrics_port_) +
                  "\"\n[aggregator]\nschedule_file = \"" + TITIP_EXAMPLES_DIR +
                  "/schedule.toml\"\n[export.postgres]\ndsn = \"" + pg_->Dsn() +
                  "\"\nbatch_rows = 250\n");
    WriteFile(dir_ + "/gw.toml",
              "[node]\nid = \"kec-sekernan\"\nunit = \"kec-sekernan\"\nstate_dir = \"" + dir_ +
                  "/gw\"\n[[upstream]]\nid = \"bkpsdm\"\nendpoint = \"tcp://127.0.0.1:" +
                  std::to_string(port) +
                  "\"\n[[terminal]]\nserial = \"A6F1190360012\"\nkind = \"usb\"\n"
                  "[link]\nbundle_max_punches = 200\nwindow = 2\nheartbeat_ms = 200\n"
                  "ack_timeout_ms = 1000\nbackoff_max_ms = 2000\n");
  }
  void TearDown() override {
    if (pg_) pg_->Kill();
    if (!HasFailure() && !dir_.empty()) RemoveTree(dir_);
  }

  size_t Import(int users, int days, const std::string& start) {
    const std::string file = dir_ + "/attlog-" + start + ".dat";
    RunResult gen = titip::testing::Run({BinPath("titip-termsim"), "attlog", "--out", file,
                                         "--users", std::to_string(users), "--days",
                                         std::to_string(days), "--start", start, "--seed", "7"});
    EXPECT_EQ(gen.exit_code, 0);
    RunResult imp = titip::testing::Run({BinPath("titipctl"), "--config", dir_ + "/gw.toml",
                                         "--json", "import", file, "--terminal", "A6F1190360012"});
    EXPECT_EQ(imp.exit_code, 0) << imp.out;
    auto j = nlohmann::json::parse(imp.out, nullptr, false);
    return j.is_discarded() ? 0 : j["added"].get<size_t>();
  }
  bool GatewayDrained() {
    auto q = Queue(dir_ + "/gw");
    return q.value("queued", -1) == 0 && q.value("undelivered", -1) == 0;
  }
  int64_t PgCount(const std::string& sql) { return QueryInt(pg_->Dsn(), sql); }

  std::string dir_;
  std::unique_ptr<PgServer> pg_;
  int metrics_port_ = 0;
};

TEST_F(PgExport, ServerKilledMidStreamEveryPunchExactlyOnce) {
  size_t first = Import(120, 10, "2026-11-02");
  ASSERT_GT(first, 1000u);
  Process agg = Process::Start({BinPath("titip-aggregator"), "--config", dir_ + "/agg.toml"},
                               dir_ + "/agg.log");
  Process gw =
      Process::Start({BinPath("titip-gateway"), "--config", dir_ + "/gw.toml"}, dir_ + "/gw.log");
  ASSERT_TRUE(WaitFor([&] { return PgCount("SELECT count(*) FROM titip.punch") > 0; }, 20000));
  ASSERT_TRUE(pg_->Kill());
  // Keep feeding while the database is away: intake goes on, the export waits.
  size_t second = Import(120, 10, "2026-11-16");
  ASSERT_GT(second, 1000u);
  ASSERT_TRUE(WaitFor([&] { return GatewayDrained(); }, 30000)) << Queue(dir_ + "/gw").dump();
  const size_t stored = Punches(dir_ + "/agg").size();
  EXPECT_EQ(stored, first + second);
  std::string page;
  ASSERT_TRUE(WaitFor(
      [&] {
        page = Scrape(metrics_port_);
        return Metric(page, "titip_pg_export_failures_total") > 0 &&
               Metric(page, "titip_pg_export_lag_punches") > 0;
      },
      10000))
      << page;
  EXPECT_EQ(Metric(page, "titip_pg_export_connected"), 0);

  ASSERT_TRUE(pg_->Start());
  const MonoTime restarted = SystemClock::Instance().Mono();
  const std::string n = std::to_string(stored);
  ASSERT_TRUE(WaitFor(
      [&] { return PgCount("SELECT count(*) FROM titip.punch") >= int64_t(stored); }, 20000))
      << "rows in PostgreSQL: " << PgCount("SELECT count(*) FROM titip.punch") << " of " << n;
  const auto catch_up = std::chrono::duration_cast<std::chrono::milliseconds>(
      SystemClock::Instance().Mono() - restarted);
  // Includes reconnect backoff (up to a few s): a lower bound on the export rate.
  std::cout << "[ figure ] caught up " << stored << " punches (with recaps) within "
            << catch_up.count() << " ms of the restart\n";
  EXPECT_EQ(PgCount("SELECT count(*) FROM titip.punch"), int64_t(stored));
  EXPECT_EQ(PgCount("SELECT count(DISTINCT (terminal, pin, device_time, verify)) FROM titip.punch"),
            int64_t(stored));
  EXPECT_EQ(PgCount("SELECT count(DISTINCT (origin, origin_epoch, origin_seq)) FROM titip.punch"),
            int64_t(stored));
  ASSERT_TRUE(WaitFor(
      [&] {
        return PgCount("SELECT sink_seq FROM titip.export_cursor WHERE node_id = 'bkpsdm'") ==
               int64_t(stored);
      },
      5000));

  // The same natural keys as the sink, not just the same number.
  std::set<std::tuple<std::string, std::string, std::string, uint32_t>> sink, pgkeys;
  for (const auto& p : Punches(dir_ + "/agg")) {
    sink.insert({p["terminal"].get<std::string>(), p["pin"].get<std::string>(),
                 p["time"].get<std::string>(), p["verify"].get<uint32_t>()});
  }
  pqxx::connection c(pg_->Dsn());
  pqxx::work w(c);
  for (const auto& r : w.exec("SELECT terminal, pin, to_char(device_time, "
                              "'YYYY-MM-DD\"T\"HH24:MI:SS'), verify FROM titip.punch")) {
    pgkeys.insert({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                   r[3].as<uint32_t>()});
  }
  EXPECT_EQ(pgkeys, sink);

  // Recaps for both imports: every person who punched has a row on each day of both ranges.
  EXPECT_EQ(
      w.exec("SELECT count(DISTINCT date) FROM titip.daily_recap WHERE unit = "
             "'kec-sekernan' AND jumlah_scan > 0 AND date BETWEEN '2026-11-02' AND "
             "'2026-11-29'")[0][0]
          .as<int64_t>(),
      w.exec("SELECT count(DISTINCT device_time::date) FROM titip.punch")[0][0].as<int64_t>());
  EXPECT_EQ(w.exec("SELECT count(*) FROM titip.daily_recap r WHERE jumlah_scan <> (SELECT "
                   "count(*) FROM titip.punch p WHERE p.terminal = r.terminal AND p.pin = r.pin "
                   "AND p.device_time::date = r.date) AND r.date BETWEEN '2026-11-02' AND "
                   "'2026-11-29'")[0][0]
                .as<int64_t>(),
            0);
  EXPECT_EQ(w.exec("SELECT max(version) FROM titip.schema_version")[0][0].as<int>(), 2);
  w.commit();

  // The rows commit before the exporter publishes its counters: give it a moment.
  EXPECT_TRUE(WaitFor(
      [&] {
        page = Scrape(metrics_port_);
        return Metric(page, "titip_pg_export_lag_punches") == 0 &&
               Metric(page, "titip_pg_export_punches_total") >= int64_t(stored);
      },
      10000))
      << page;
  EXPECT_EQ(ReadFile(dir_ + "/agg.log").find("dbname=postgres"), std::string::npos)
      << "the DSN was logged";
  gw.Signal(SIGTERM);
  agg.Signal(SIGTERM);
  int as = agg.Wait(10000);
  gw.Wait(10000);
  const std::string agg_log = ReadFile(dir_ + "/agg.log");
  EXPECT_TRUE(WIFEXITED(as) && WEXITSTATUS(as) == 0)
      << "aggregator did not stop cleanly (status " << as << "); the end of its log:\n"
      << agg_log.substr(agg_log.size() > 4000 ? agg_log.size() - 4000 : 0);
}

}  // namespace
}  // namespace titip::testing
