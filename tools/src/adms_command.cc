// `titip-termsim adms --server http://HOST:PORT --serial SN --users N --days D --seed S`: a
// push terminal against an ADMS server. Prints one JSON line of counters when it ends
// (--exit-when-done, or SIGINT/SIGTERM).
#include "adms_command.h"

#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>

#include "titip/common/civil_time.h"
#include "titip/tools/adms_client.h"

namespace titip::tools {
namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

struct AdmsArgs {
  std::string server, start, utc_offset = "+07:00";
  int64_t delay_ms = 0, error_delay_ms = 0;
  AdmsClientOptions client;
};

// Monday of last week in the terminal's local time: three weekdays that are recent (inside a
// gateway's default gap-fill month) and never a weekend, whatever day the test runs.
int64_t DefaultStart(int utc_offset_min) {
  int64_t local = SystemClock::Instance().Wall().count() / 1000 + utc_offset_min * 60LL;
  int64_t day = local / 86400 * 86400;
  int64_t monday = day - ((CivilWeekday(day) + 6) % 7) * 86400;
  return monday - 7 * 86400;
}

bool ParseServer(const std::string& url, AdmsClientOptions* o) {
  std::string rest = url;
  if (rest.rfind("http://", 0) == 0) rest = rest.substr(7);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  size_t colon = rest.rfind(':');
  if (colon == std::string::npos) {
    o->host = rest;
    o->port = 80;
    return !rest.empty();
  }
  o->host = rest.substr(0, colon);
  int port = std::atoi(rest.c_str() + colon + 1);
  if (o->host.empty() || port < 1 || port > 65535) return false;
  o->port = static_cast<uint16_t>(port);
  return true;
}

int Run(AdmsArgs a) {
  if (!ParseServer(a.server, &a.client)) {
    std::fprintf(stderr, "titip-termsim: --server must be http://HOST:PORT: %s\n",
                 a.server.c_str());
    return 2;
  }
  auto off = ParseUtcOffset(a.utc_offset);
  std::optional<int64_t> start = a.start.empty()
                                     ? std::optional<int64_t>(DefaultStart(off.value_or(420)))
                                     : ParseCivilDate(a.start);
  if (!start || !off) {
    std::fprintf(stderr, "titip-termsim: bad --start or --utc-offset\n");
    return 2;
  }
  a.client.workload.start_day = *start;
  a.client.delay = std::chrono::milliseconds(a.delay_ms);
  a.client.error_delay = std::chrono::milliseconds(a.error_delay_ms);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  auto stats = RunAdmsTerminal(a.client, SystemClock::Instance(), g_stop);
  if (!stats.ok()) {
    std::fprintf(stderr, "titip-termsim: %s\n", stats.status().ToString().c_str());
    return 2;
  }
  const auto& s = *stats;
  std::printf(
      "{\"serial\":\"%s\",\"first_day\":\"%s\",\"punches\":%llu,\"acked\":%llu,\"posts\":%llu,"
      "\"non_ok\":%llu,\"errors\":%llu,\"handshakes\":%llu,\"queries\":%llu,"
      "\"resent_rows\":%llu}\n",
      a.client.serial.c_str(), FormatCivil(*start).substr(0, 10).c_str(),
      static_cast<unsigned long long>(s.punches), static_cast<unsigned long long>(s.acked),
      static_cast<unsigned long long>(s.posts), static_cast<unsigned long long>(s.non_ok),
      static_cast<unsigned long long>(s.errors), static_cast<unsigned long long>(s.handshakes),
      static_cast<unsigned long long>(s.queries), static_cast<unsigned long long>(s.resent_rows));
  std::fflush(stdout);
  return s.acked == s.punches || !a.client.exit_when_done ? 0 : 1;
}

}  // namespace

void RegisterAdmsCommand(CLI::App& app, int* rc) {
  auto a = std::make_shared<AdmsArgs>();
  CLI::App* sub = app.add_subcommand("adms", "an ADMS/iclock push terminal");
  sub->add_option("--server", a->server, "gateway ADMS server, http://HOST:PORT")->required();
  sub->add_option("--serial", a->client.serial, "terminal serial number (SN)")->required();
  sub->add_option("--users", a->client.workload.users, "number of people")
      ->required()
      ->check(CLI::Range(uint32_t{1}, kMaxUsers));
  sub->add_option("--days", a->client.workload.days, "calendar days of history")
      ->required()
      ->check(CLI::Range(uint32_t{1}, kMaxDays));
  sub->add_option("--seed", a->client.workload.seed, "same seed, same punches")->required();
  sub->add_option("--start", a->start, "first day YYYY-MM-DD (default: Monday of last week)");
  sub->add_option("--utc-offset", a->utc_offset, "terminal's zone for the default start")
      ->capture_default_str();
  sub->add_option("--first-pin", a->client.workload.first_pin, "PIN of the first person")
      ->capture_default_str();
  sub->add_option("--clock-drift-s", a->client.workload.clock_drift_s,
                  "seconds added to every punch time (a terminal clock running off)")
      ->capture_default_str();
  sub->add_flag("--fast", a->client.fast,
                "record the whole log at once and push it as fast as the server takes it");
  sub->add_option("--rate", a->client.rate, "punches per second when not --fast")
      ->capture_default_str();
  sub->add_option("--delay-ms", a->delay_ms, "getrequest period (default: server's Delay)");
  sub->add_option("--error-delay-ms", a->error_delay_ms,
                  "wait after a failed or refused request (default: server's ErrorDelay)");
  sub->add_flag("--exit-when-done", a->client.exit_when_done,
                "exit once every punch is acknowledged and the server has no command");
  sub->callback([a, rc] { *rc = Run(*a); });
}

}  // namespace titip::tools
