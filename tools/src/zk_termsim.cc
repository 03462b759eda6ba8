// `titip-termsim zk --listen HOST:PORT --serial SN ...`: a ZK terminal holding the synthetic
// workload's punches, served over the ZK binary protocol until killed.
#include "zk_termsim.h"

#include <cstdio>
#include <memory>

#include "titip/common/civil_time.h"
#include "titip/tools/workload.h"
#include "zk_device.h"
#include "zk_server.h"

namespace titip::tools {
namespace {

struct ZkArgs {
  std::string listen = "127.0.0.1:4370";
  std::string start = "2026-11-02";
  std::string dump;
  WorkloadOptions workload;
  ZkDeviceOptions device;
  int frame_gap_ms = 10;
};

int RunZk(ZkArgs a) {
  std::optional<int64_t> start = ParseCivilDate(a.start);
  if (!start) {
    std::fprintf(stderr, "titip-termsim: --start must be YYYY-MM-DD in 2000..2099: %s\n",
                 a.start.c_str());
    return 2;
  }
  ZkServerOptions so;
  size_t colon = a.listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    so.host = a.listen.substr(0, colon);
    try {
      port = std::stoi(a.listen.substr(colon + 1));
    } catch (const std::exception&) {
      port = -1;
    }
  }
  if (port < 0 || port > 65535 || so.host.empty()) {
    std::fprintf(stderr, "titip-termsim: --listen must be HOST:PORT: %s\n", a.listen.c_str());
    return 2;
  }
  so.port = static_cast<uint16_t>(port);
  so.frame_gap_ms = a.frame_gap_ms;
  a.workload.start_day = *start;
  a.device.clock_drift_s = a.workload.clock_drift_s;
  std::vector<gateway::zk::Record> records;
  Status s = GenerateWorkload(a.workload, [&](const Punch& p) {
    records.push_back({0, p.pin, p.time, p.verify, p.status, p.workcode});
    return Status::Ok();
  });
  if (!s.ok()) {
    std::fprintf(stderr, "titip-termsim: %s\n", s.ToString().c_str());
    return 2;
  }
  if (!a.dump.empty()) {
    std::FILE* f = std::fopen(a.dump.c_str(), "w");
    if (!f) {
      std::fprintf(stderr, "titip-termsim: cannot write %s\n", a.dump.c_str());
      return 1;
    }
    for (const auto& r : records) {
      std::fprintf(f, "%s\t%s\t%u\t%u\n", r.pin.c_str(), FormatCivil(r.device_time, ' ').c_str(),
                   r.verify, r.status);
    }
    if (std::fclose(f) != 0) {
      std::fprintf(stderr, "titip-termsim: write error on %s\n", a.dump.c_str());
      return 1;
    }
  }
  std::fprintf(stderr, "termsim zk: serial %s holds %zu punches\n", a.device.serial.c_str(),
               records.size());
  ZkDevice device(a.device, std::move(records), SystemClock::Instance());
  s = RunZkServer(device, so);
  std::fprintf(stderr, "titip-termsim: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

void AddZkSubcommand(CLI::App& app, int* rc) {
  auto a = std::make_shared<ZkArgs>();
  CLI::App* sub = app.add_subcommand("zk", "serve the ZK binary protocol (TCP) like a terminal");
  sub->add_option("--listen", a->listen, "HOST:PORT to listen on (PORT 0 = any; printed)")
      ->capture_default_str();
  sub->add_option("--serial", a->device.serial, "terminal serial number")->required();
  sub->add_option("--comm-key", a->device.comm_key, "comm password, 0 = none")
      ->check(CLI::Range(0u, 999999u))
      ->capture_default_str();
  sub->add_option("--users", a->workload.users, "number of people")
      ->required()
      ->check(CLI::Range(uint32_t{1}, kMaxUsers));
  sub->add_option("--days", a->workload.days, "calendar days; weekends get no punches")
      ->required()
      ->check(CLI::Range(uint32_t{1}, kMaxDays));
  sub->add_option("--start", a->start, "first day, YYYY-MM-DD")->capture_default_str();
  sub->add_option("--seed", a->workload.seed, "same seed, same punches")->required();
  sub->add_option("--first-pin", a->workload.first_pin, "PIN of the first person")
      ->capture_default_str();
  sub->add_option("--clock-drift-s", a->workload.clock_drift_s,
                  "terminal clock offset: added to punch times and to CMD_GET_TIME")
      ->capture_default_str();
  sub->add_option("--utc-offset-min", a->device.utc_offset_min,
                  "the terminal's local time zone, minutes east of UTC")
      ->capture_default_str();
  sub->add_option("--direct-max", a->device.direct_max,
                  "datasets up to this many bytes are sent in one CMD_DATA, larger ones chunked")
      ->capture_default_str();
  sub->add_option("--frame-max", a->device.frame_max,
                  "split each chunk into CMD_DATA frames of this many bytes (0 = one frame)")
      ->capture_default_str();
  sub->add_option("--frame-gap-ms", a->frame_gap_ms, "pause after each frame written")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  sub->add_option("--dump", a->dump,
                  "write the served punches here: PIN TAB time TAB verify "
                  "TAB status");
  sub->callback([a, rc] { *rc = RunZk(*a); });
}

}  // namespace titip::tools
