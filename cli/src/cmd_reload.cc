// `titipctl reload`: SIGHUP to the daemon of the state dir (its pid from runtime.json). Every
// daemon re-reads its CURVE allowlist; the aggregator also its roster and schedule, and there
// the command waits (up to 10 s) for the daemon's verdict in in-force/status.json and prints it.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include "context.h"
#include "titip/aggregator/in_force.h"
#include "titip/relay/runtime_status.h"

namespace titip::cli {
namespace {

struct Verdict {
  bool present = false;
  int pid = -1;
  uint64_t ok = 0, failed = 0;
  uint64_t entries = 0, units = 0;
  std::string error;
};

Verdict ReadVerdict(const Context& ctx) {
  Verdict v;
  std::ifstream f(aggregator::InForcePath(ctx.state_dir, aggregator::kInForceStatus));
  if (!f) return v;
  auto j = nlohmann::json::parse(f, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return v;
  v.present = true;
  v.pid = j.value("pid", -1);
  v.ok = j.value("reloads_ok", uint64_t{0});
  v.failed = j.value("reloads_failed", uint64_t{0});
  v.entries = j.value("roster_entries", uint64_t{0});
  v.units = j.value("roster_units", uint64_t{0});
  v.error = j.value("last_error", std::string());
  return v;
}

}  // namespace

int CmdReload(Context& ctx) {
  auto runtime = relay::ReadRuntimeStatusFile(ctx.RuntimeStatusPath());
  if (!runtime || !relay::RuntimeStatusFresh(*runtime, ctx.NowMs())) {
    std::cerr << "titipctl: no daemon running for " << ctx.state_dir
              << " (runtime.json missing or stale): nothing to reload\n";
    return kUnavailable;
  }
  const int pid = (*runtime)["pid"].get<int>();
  Verdict before = ReadVerdict(ctx);
  const bool tables = before.present && before.pid == pid;  // an aggregator with its tables
  if (kill(pid, SIGHUP) != 0) {
    std::cerr << "titipctl: cannot signal pid " << pid << ": " << std::strerror(errno) << "\n";
    return errno == EPERM ? kUnavailable : kIoErr;
  }
  if (!tables) {
    std::cout << "sent SIGHUP to pid " << pid << ": the allowlist is re-read (see its log)\n";
    return kOk;
  }
  for (int i = 0; i < 100; ++i) {  // 10 s: a roster of a few thousand rows loads in ms
    usleep(100 * 1000);
    Verdict now = ReadVerdict(ctx);
    if (now.pid != pid) continue;
    if (now.failed > before.failed) {
      std::cerr << "titipctl: reload failed, the roster and schedule in force stay: " << now.error
                << "\n";
      return kConfig;
    }
    if (now.ok > before.ok) {
      std::cout << "reloaded: roster " << now.entries << " enrolments in " << now.units
                << " units; schedule\n";
      return kOk;
    }
  }
  std::cerr << "titipctl: sent SIGHUP to pid " << pid << " but saw no reload within 10 s\n";
  return kTempFail;
}

}  // namespace titip::cli
