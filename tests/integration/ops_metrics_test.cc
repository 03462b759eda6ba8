// /metrics of the daemons: the renderer's output and a live scrape both pass a strict parser
// of the Prometheus text format, and the values follow what the daemons really did.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon_harness.h"
#include "ops_prom_parser.h"
#include "titip/relay/metrics.h"

namespace titip::testing {
namespace {

std::string Scrape(int port) {
  return HttpRaw(port, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
}

relay::MetricsSnapshot SampleSnapshot() {
  relay::MetricsSnapshot s;
  s.node = "kec-sekernan";
  s.role = "gateway";
  s.wall_ms = 1'000'000'000;
  s.now = titip::MonoTime(std::chrono::seconds(500));
  s.store_ok = true;
  s.store.punches = 1200;
  s.store.queued = 128;
  s.store.undelivered = 300;
  s.store.oldest_queued_ms = s.wall_ms - 10'800'000;  // 3 h
  s.store.map_used_bytes = 1 << 20;
  s.store.map_cap_bytes = 4 << 20;
  s.engine.bundles_sent = 7;
  s.engine.bundles_retried = 2;
  s.loop.frames_malformed = 3;
  relay::LinkStatus up;
  up.id = "diskominfo";
  up.state = relay::LinkState::kUp;
  up.active = true;
  up.last_ack = s.now - std::chrono::seconds(4);
  relay::LinkStatus down;
  down.id = "bkp\"sdm\\x";  // hostile id: must be escaped, not break the format
  down.state = relay::LinkState::kDown;
  s.upstreams = {up, down};
  s.terminals["A6F1190360012"].up = true;
  s.terminals["A6F1190360012"].skew_known = true;
  s.terminals["A6F1190360012"].clock_skew_s = -95;
  s.terminals["CKJG201960123"].up = false;  // skew unknown: no skew sample
  return s;
}

TEST(OpsMetrics, RenderedTextIsStrictPrometheus) {
  PromParse p = ParseProm(relay::RenderMetrics(SampleSnapshot()));
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.Get("titip_punches_queued"), 128);
  EXPECT_EQ(p.Get("titip_punches_undelivered"), 300);
  EXPECT_EQ(p.Get("titip_oldest_queued_age_seconds"), 10800);
  EXPECT_EQ(p.Get("titip_store_map_use_ratio"), 0.25);
  EXPECT_EQ(p.Get("titip_bundles_sent_total"), 7);
  EXPECT_EQ(p.Get("titip_bundles_retried_total"), 2);
  EXPECT_EQ(p.Get("titip_rejected_inputs_total", {{"reason", "malformed_frame"}}), 3);
  EXPECT_EQ(p.Get("titip_upstream_up", {{"upstream", "diskominfo"}}), 1);
  EXPECT_EQ(p.Get("titip_upstream_up", {{"upstream", "bkp\"sdm\\x"}}), 0);
  EXPECT_EQ(p.Get("titip_upstream_state", {{"upstream", "bkp\"sdm\\x"}, {"state", "down"}}), 1);
  EXPECT_EQ(p.Get("titip_upstream_last_ack_age_seconds", {{"upstream", "diskominfo"}}), 4);
  EXPECT_EQ(p.Get("titip_terminal_up", {{"terminal", "A6F1190360012"}}), 1);
  EXPECT_EQ(p.Get("titip_terminal_clock_skew_seconds", {{"terminal", "A6F1190360012"}}), -95);
  EXPECT_FALSE(p.Get("titip_terminal_clock_skew_seconds", {{"terminal", "CKJG201960123"}}));
  EXPECT_EQ(p.types["titip_bundles_acked_total"], "counter");
  EXPECT_EQ(p.types["titip_punches_queued"], "gauge");
}

// The parser is the test's teeth: it must refuse what Prometheus (or our conventions) refuse.
TEST(OpsMetrics, ParserRefusesMalformedText) {
  const char* bad[] = {
      "# TYPE titip_a gauge\ntitip_a 1",                          // no final newline
      "titip_a 1\n",                                              // no TYPE
      "# TYPE titip_a gauge\ntitip_a 1\ntitip_a 2\n",             // duplicate series
      "# TYPE titip_a counter\ntitip_a 1\n",                      // counter without _total
      "# TYPE titip_a_total counter\ntitip_a_total -1\n",         // negative counter
      "# TYPE titip_a gauge\ntitip_a one\n",                      // bad float
      "# TYPE titip_a gauge\ntitip_a{x=\"a\\t\"} 1\n",            // bad escape
      "# TYPE titip_a gauge\ntitip_a{x=a} 1\n",                   // unquoted label
      "# TYPE titip_a gauge\ntitip_a{1x=\"a\"} 1\n",              // bad label name
      "# TYPE titip_a gauge\n\ntitip_a 1\n",                      // blank line
      "# TYPE titip_a gauge\n# TYPE titip_a gauge\ntitip_a 1\n",  // TYPE twice
      "# TYPE titip_a gauge\n# TYPE titip_b gauge\ntitip_a 1\n",  // family split
      "# TYPE titip_a wobble\ntitip_a 1\n",                       // bad type
      "# TYPE other_a gauge\nother_a 1\n",                        // no titip_ prefix
      "# TYPE titip-a gauge\ntitip-a 1\n",                        // bad name
      "# TYPE titip_a gauge\ntitip_a{x=\"1\",x=\"2\"} 1\n",       // label twice
  };
  for (const char* text : bad) EXPECT_NE(ParseProm(text).error, "") << text;
  EXPECT_EQ(ParseProm("# HELP titip_a x\n# TYPE titip_a gauge\ntitip_a{x=\"\\\"\"} -1.5e3\n").error,
            "");
}

class OpsMetricsDaemon : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("metrics");
    int port = FreeTcpPort();
    agg_metrics_ = FreeTcpPort();
    gw_metrics_ = FreeTcpPort();
    WriteFile(dir_ + "/agg.toml",
              "[node]\nid = \"bkpsdm\"\nstate_dir = \"" + dir_ +
                  "/agg\"\nlisten = \"tcp://127.0.0.1:" + std::to_string(port) +
                  "\"\n[metrics]\nlisten = \"127.0.0.1:" + std::to_string(agg_metrics_) +
                  "\"\n[aggregator]\nroster_file = \"" + dir_ + "/roster.csv\"\n");
    // setda is enrolled but never reports: its past days are late.
    WriteFile(dir_ + "/roster.csv",
              "unit_id,terminal_serial,pin,nip,name\n"
              "setda,MJ0010190000,1,198112122021091008,Indah Kurniawan\n");
    WriteFile(dir_ + "/gw.toml",
              "[node]\nid = \"kec-sekernan\"\nunit = \"kec-sekernan\"\nstate_dir = \"" + dir_ +
                  "/gw\"\n[[upstream]]\nid = \"bkpsdm\"\nendpoint = \"tcp://127.0.0.1:" +
                  std::to_string(port) +
                  "\"\n[[terminal]]\nserial = \"A6F1190360012\"\nkind = \"usb\"\n"
                  "[metrics]\nlisten = \"127.0.0.1:" +
                  std::to_string(gw_metrics_) +
                  "\"\n[link]\nheartbeat_ms = 200\nack_timeout_ms = 1000\n");
  }
  void TearDown() override {
    if (!HasFailure()) RemoveTree(dir_);
  }
  // Scrapes until `pred` holds on a strictly valid page; returns the last parse.
  PromParse ScrapeUntil(int port, const std::function<bool(const PromParse&)>& pred) {
    PromParse last;
    WaitFor(
        [&] {
          last = ParseProm(Body(Scrape(port)));
          return last.error.empty() && pred(last);
        },
        20000);
    return last;
  }
  std::string dir_;
  int agg_metrics_ = 0, gw_metrics_ = 0;
};

TEST_F(OpsMetricsDaemon, ScrapeFollowsDelivery) {
  Process agg = Process::Start({BinPath("titip-aggregator"), "--config", dir_ + "/agg.toml"},
                               dir_ + "/agg.log");
  Process gw =
      Process::Start({BinPath("titip-gateway"), "--config", dir_ + "/gw.toml"}, dir_ + "/gw.log");
  RunResult gen =
      titip::testing::Run({BinPath("titip-termsim"), "attlog", "--out", dir_ + "/attlog.dat",
                           "--users", "20", "--days", "2", "--start", "2026-11-02", "--seed", "7"});
  ASSERT_EQ(gen.exit_code, 0);
  RunResult imp =
      titip::testing::Run({BinPath("titipctl"), "--config", dir_ + "/gw.toml", "--json", "import",
                           dir_ + "/attlog.dat", "--terminal", "A6F1190360012"});
  ASSERT_EQ(imp.exit_code, 0) << imp.out;
  double added = nlohmann::json::parse(imp.out)["added"].get<double>();
  ASSERT_GT(added, 0);

  PromParse gw_page = ScrapeUntil(gw_metrics_, [&](const PromParse& p) {
    return p.Get("titip_punches_undelivered") == 0.0 && p.Get("titip_punches_stored") == added;
  });
  ASSERT_EQ(gw_page.error, "") << ReadFile(dir_ + "/gw.log");
  EXPECT_EQ(gw_page.Get("titip_punches_stored"), added) << ReadFile(dir_ + "/gw.log");
  EXPECT_EQ(gw_page.Get("titip_punches_undelivered"), 0);
  EXPECT_EQ(gw_page.Get("titip_punches_queued"), 0);
  EXPECT_EQ(gw_page.Get("titip_upstream_up", {{"upstream", "bkpsdm"}}), 1);
  EXPECT_GE(gw_page.Get("titip_punches_acked_total").value_or(0), added);
  EXPECT_GE(gw_page.Get("titip_bundles_acked_total").value_or(0), 1);
  EXPECT_EQ(gw_page.Get("titip_node_info", {{"node", "kec-sekernan"}, {"role", "gateway"}}), 1);
  EXPECT_GT(gw_page.Get("titip_store_used_bytes").value_or(0), 0);

  PromParse agg_page = ScrapeUntil(
      agg_metrics_, [&](const PromParse& p) { return p.Get("titip_punches_stored") == added; });
  ASSERT_EQ(agg_page.error, "");
  EXPECT_EQ(agg_page.Get("titip_punches_accepted_total"), added);
  EXPECT_EQ(agg_page.Get("titip_node_info", {{"node", "bkpsdm"}, {"role", "aggregator"}}), 1);
  // The deadline gauges: the silent roster unit is late; the delivering gateway's unit is there.
  agg_page = ScrapeUntil(agg_metrics_, [&](const PromParse& p) {
    return p.Get("titip_unit_deadline_status", {{"unit", "kec-sekernan"}}).has_value();
  });
  EXPECT_EQ(agg_page.Get("titip_unit_deadline_status", {{"unit", "setda"}}), 3)
      << ReadFile(dir_ + "/agg.log");
  EXPECT_EQ(agg_page.Get("titip_unit_days_late", {{"unit", "setda"}}), 4);
  EXPECT_TRUE(agg_page.Get("titip_unit_deadline_status", {{"unit", "kec-sekernan"}}).has_value());

  // Garbage and wrong paths get an answer and a counter, never a crash.
  EXPECT_NE(HttpRaw(gw_metrics_, "GET /nope HTTP/1.1\r\n\r\n").find(" 404 "), std::string::npos);
  EXPECT_NE(HttpRaw(gw_metrics_, "\x01\x02garbage\r\n\r\n").find(" 400 "), std::string::npos);
  EXPECT_NE(HttpRaw(gw_metrics_, "POST /metrics HTTP/1.1\r\n\r\n").find(" 405 "),
            std::string::npos);
  EXPECT_NE(HttpRaw(gw_metrics_, std::string(9000, 'A')).find(" 431 "), std::string::npos);
  // A client that stalls mid-request holds the only slot for at most 2 s, then is counted.
  int stalled = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(gw_metrics_));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(stalled, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_GT(send(stalled, "GET /metr", 9, MSG_NOSIGNAL), 0);
  EXPECT_NE(Scrape(gw_metrics_).find(" 200 "), std::string::npos);
  close(stalled);
  PromParse after = ScrapeUntil(gw_metrics_, [](const PromParse& p) {
    return p.Get("titip_rejected_inputs_total", {{"reason", "bad_http_request"}}) >= 3.0;
  });
  EXPECT_EQ(after.Get("titip_rejected_inputs_total", {{"reason", "bad_http_request"}}), 3);
  EXPECT_TRUE(gw.Running());
  gw.Signal(SIGTERM);
  agg.Signal(SIGTERM);
  EXPECT_EQ(gw.Wait(10000), 0);
  EXPECT_EQ(agg.Wait(10000), 0);
}

TEST_F(OpsMetricsDaemon, BusyMetricsPortRefusesToStartWith69) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(agg_metrics_));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  Process agg = Process::Start({BinPath("titip-aggregator"), "--config", dir_ + "/agg.toml"},
                               dir_ + "/agg.log");
  int status = agg.Wait(20000);
  close(fd);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 69);
  EXPECT_NE(ReadFile(dir_ + "/agg.log").find("metrics"), std::string::npos);
}

}  // namespace
}  // namespace titip::testing
